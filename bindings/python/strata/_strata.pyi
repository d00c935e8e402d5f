"""Type stubs for strata._strata, the pybind11 binding of the C++ core."""

from __future__ import annotations

import datetime
import enum
from typing import Any, Iterable, Iterator, Mapping, MutableMapping, MutableSequence, Optional, TypeVar, Generic, overload

JSON = Any  # dict / list / str / int / float / bool / None

_T = TypeVar("_T")
_V = TypeVar("_V")

class StatusCode(enum.IntEnum):
    """The canonical error codes of absl::Status."""
    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16

class Error(Exception):
    """A strata call failed."""
    code: StatusCode
    message: str

class ValidationError(Error):
    """Invalid input; `errors` are the diagnostics as the CLI prints them."""
    errors: list[Diagnostic]
    @property
    def warnings(self) -> list[Diagnostic]: ...

class _List(MutableSequence[_T], Generic[_T]):
    """A list bound to C++ storage: edits apply to the owning object."""
    def __init__(self, items: Iterable[_T] = ...) -> None: ...
    @overload
    def __getitem__(self, index: int) -> _T: ...
    @overload
    def __getitem__(self, index: slice) -> _List[_T]: ...
    @overload
    def __setitem__(self, index: int, value: _T) -> None: ...
    @overload
    def __setitem__(self, index: slice, value: Iterable[_T]) -> None: ...
    def __delitem__(self, index: int | slice) -> None: ...
    def __len__(self) -> int: ...
    def insert(self, index: int, value: _T) -> None: ...
    def __iter__(self) -> Iterator[_T]: ...

class _Map(MutableMapping[str, _V], Generic[_V]):
    """A dict bound to C++ storage: edits apply to the owning object."""
    def __init__(self, items: Mapping[str, _V] = ...) -> None: ...
    def __getitem__(self, key: str) -> _V: ...
    def __setitem__(self, key: str, value: _V | str) -> None: ...
    def __delitem__(self, key: str) -> None: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[str]: ...

class KeysView(Iterable[str]):
    """The keys of a bound map."""
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[str]: ...

class ValuesView(Iterable[Any]):
    """The values of a bound map."""
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Any]: ...

class ItemsView(Iterable[tuple[str, Any]]):
    """The items of a bound map."""
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[tuple[str, Any]]: ...

class RoleList(_List[Role]): ...
class RoleOverrideList(_List[RoleOverride]): ...
class PortList(_List[Port]): ...
class EnvVarList(_List[EnvVar]): ...
class StorageList(_List[Storage]): ...
class StorageOverrideList(_List[StorageOverride]): ...
class ConfigFileList(_List[ConfigFile]): ...
class ServiceSpecList(_List[ServiceSpec]): ...
class ConnectionList(_List[Connection]): ...
class ContainerList(_List[Container]): ...
class VolumeMountList(_List[VolumeMount]): ...
class MemberReplaceList(_List[MemberReplace]): ...
class AppDocumentList(_List[AppDocument]): ...
class ClusterDocumentList(_List[ClusterDocument]): ...
class QuantityMap(_Map[Quantity]): ...
class StringMap(_Map[str]): ...

class _Value:
    """A plain value type: keyword constructor, ==, copy."""
    _fields: tuple[str, ...]
    def __copy__(self: _T) -> _T: ...
    def __deepcopy__(self: _T, memo: dict) -> _T: ...

# strata/quantity.h
class Quantity:
    """A Kubernetes resource quantity, compared exactly."""
    @overload
    def __init__(self) -> None: ...
    @overload
    def __init__(self, text: str) -> None: ...
    @overload
    def __init__(self, value: int) -> None: ...
    @staticmethod
    def parse(text: str) -> Quantity: ...
    def to_string(self) -> str: ...
    def __lt__(self, other: Quantity | str | int) -> bool: ...
    def __le__(self, other: Quantity | str | int) -> bool: ...
    def __gt__(self, other: Quantity | str | int) -> bool: ...
    def __ge__(self, other: Quantity | str | int) -> bool: ...

# strata/cardinality.h
class Cardinality:
    """How many members a role may have: "N", "N+" or "N-M"."""
    min: int
    max: Optional[int]
    @overload
    def __init__(self) -> None: ...
    @overload
    def __init__(self, text: str) -> None: ...
    @staticmethod
    def parse(text: str) -> Cardinality: ...
    def allows(self, members: int) -> bool: ...
    def to_string(self) -> str: ...

# strata/probe.h
class PortRef(_Value):
    name: str
    number: int
    def __init__(self, *, name: str = ..., number: int = ...) -> None: ...

class Handler(_Value):
    class Kind(enum.Enum):
        NONE = 0
        EXEC = 1
        HTTP = 2
        TCP = 3
        GRPC = 4
    kind: Handler.Kind
    command: list[str]
    path: str
    scheme: str
    port: PortRef
    service: str
    timeout_seconds: Optional[int]
    def __init__(self, **fields: Any) -> None: ...

class Probe(_Value):
    handler: Handler
    initial_delay_seconds: Optional[int]
    period_seconds: Optional[int]
    timeout_seconds: Optional[int]
    success_threshold: Optional[int]
    failure_threshold: Optional[int]
    def __init__(self, **fields: Any) -> None: ...

class Probes(_Value):
    readiness: Optional[Probe]
    liveness: Optional[Probe]
    startup: Optional[Probe]
    def __init__(self, **fields: Any) -> None: ...

# strata/storage.h
class VolumePolicy(enum.Enum):
    RETAIN = 0
    DELETE = 1

class AfterLeave(enum.Enum):
    KEEP = 0
    WIPE = 1

class Storage(_Value):
    name: str
    mount_path: str
    size: Quantity
    min_size: Quantity
    access_modes: list[str]
    storage_class_name: str
    on_scale_down: VolumePolicy
    on_cluster_delete: VolumePolicy
    after_leave: AfterLeave
    def __init__(self, **fields: Any) -> None: ...

# strata/config_file.h
class ConfigFormat(enum.Enum):
    PROPERTIES = 0
    HADOOP_XML = 1
    YAML = 2
    JSON = 3
    INI = 4
    ENV = 5
    TEXT = 6

class OnChange(enum.Enum):
    RESTART = 0
    NONE = 1

class ConfigFile(_Value):
    path: str
    format: ConfigFormat
    on_change: OnChange
    data: list[tuple[str, str]]
    template: str
    def __init__(self, **fields: Any) -> None: ...

# strata/rollout_policy.h
class Approval(enum.Enum):
    NONE = 0
    LEADER = 1
    EVERY = 2

class InitialRollout(enum.Enum):
    PARALLEL = 0
    SERIAL = 1

class RolloutStrategy(enum.Enum):
    SERIAL = 0
    BEST_EFFORT_PARALLEL = 1
    PARALLEL = 2

class RolloutOrder(enum.Enum):
    ORDINAL_DESCENDING = 0
    ORDINAL_ASCENDING = 1
    FOLLOWERS_FIRST = 2

class IntOrPercent(_Value):
    value: int
    percent: bool
    def __init__(self, *, value: int = ..., percent: bool = ...) -> None: ...

class Gate(_Value):
    handler: Handler
    timeout_seconds: int
    def __init__(self, **fields: Any) -> None: ...

class RolloutPolicy(_Value):
    strategy: RolloutStrategy
    max_unavailable: IntOrPercent
    order: RolloutOrder
    leader_label: str
    leader_probe: Optional[Handler]
    min_ready_seconds: int
    gate: Optional[Gate]
    zone_parallel: bool
    ready_timeout_seconds: Optional[int]
    approval: Approval
    initial: InitialRollout
    min_interval_seconds: int
    def __init__(self, **fields: Any) -> None: ...
    def resolve_max_unavailable(self, members: int) -> int: ...

# strata/role.h
class Quorum(enum.Enum):
    NONE = 0
    MAJORITY = 1

class Port(_Value):
    name: str
    port: int
    protocol: str
    def __init__(self, *, name: str = ..., port: int = ..., protocol: str = ...) -> None: ...

class SecretKeyRef(_Value):
    name: str
    key: str
    def __init__(self, *, name: str = ..., key: str = ...) -> None: ...

class EnvVar(_Value):
    name: str
    value: str
    secret: Optional[SecretKeyRef]
    field: str
    def __init__(self, *, name: str = ..., value: str = ..., secret: Optional[SecretKeyRef] = ..., field: str = ...) -> None: ...

class Resources(_Value):
    requests: QuantityMap
    limits: QuantityMap
    def __init__(self, *, requests: Mapping[str, Quantity | str] = ..., limits: Mapping[str, Quantity | str] = ...) -> None: ...

class ServiceType(enum.Enum):
    CLUSTER_IP = 0
    NODE_PORT = 1
    LOAD_BALANCER = 2

class ServiceSpec(_Value):
    name: str
    ports: list[str]
    type: ServiceType
    per_member: bool
    dashboard: bool
    annotations: StringMap
    def __init__(self, **fields: Any) -> None: ...

class Lifecycle(_Value):
    pre_stop: Optional[Handler]
    termination_grace_period_seconds: Optional[int]
    member_leave: Optional[Handler]
    member_join: Optional[Handler]
    def __init__(self, **fields: Any) -> None: ...

class Security(_Value):
    run_as_user: int
    run_as_group: Optional[int]
    fs_group: Optional[int]
    capabilities: list[str]
    read_only_root_filesystem: bool
    def __init__(self, **fields: Any) -> None: ...

class Spread(enum.Enum):
    NODE = 0
    ZONE = 1
    NONE = 2

class PlacementMode(enum.Enum):
    PREFERRED = 0
    REQUIRED = 1

class Placement(_Value):
    spread: Spread
    mode: PlacementMode
    def __init__(self, *, spread: Spread = ..., mode: PlacementMode = ...) -> None: ...

class PodSettings(_Value):
    service_account_name: str
    image_pull_secrets: list[str]
    priority_class_name: str
    labels: StringMap
    annotations: StringMap
    def __init__(self, **fields: Any) -> None: ...

class VolumeMount(_Value):
    name: str
    mount_path: str
    read_only: bool
    def __init__(self, *, name: str = ..., mount_path: str = ..., read_only: bool = ...) -> None: ...

class Container(_Value):
    name: str
    image: str
    command: list[str]
    args: list[str]
    ports: PortList
    env: EnvVarList
    resources: Resources
    probes: Probes
    volume_mounts: VolumeMountList
    config: list[str]
    def __init__(self, *, name: str = ..., image: str = ..., **fields: Any) -> None: ...
    def find_port(self, name: str) -> Optional[Port]: ...

class Metrics(_Value):
    port: PortRef
    path: str
    def __init__(self, *, port: PortRef = ..., path: str = ...) -> None: ...

class Role(_Value):
    name: str
    image: str
    cardinality: Cardinality
    quorum: Quorum
    command: list[str]
    args: list[str]
    ports: PortList
    env: EnvVarList
    resources: Resources
    min_resources: Resources
    storage: StorageList
    probes: Probes
    config: ConfigFileList
    depends_on: list[str]
    services: ServiceSpecList
    rollout: RolloutPolicy
    lifecycle: Lifecycle
    security: Security
    placement: Placement
    pod: PodSettings
    service_account_name: str
    image_pull_secrets: list[str]
    priority_class_name: str
    pod_labels: StringMap
    pod_annotations: StringMap
    containers: ContainerList
    init_containers: ContainerList
    metrics: Optional[Metrics]
    def __init__(self, **fields: Any) -> None: ...
    def find_port(self, name: str) -> Optional[Port]: ...

# strata/app.h
class App(_Value):
    name: str
    version: str
    description: str
    roles: RoleList
    def __init__(self, *, name: str = ..., version: str = ..., description: str = ..., roles: Iterable[Role] = ...) -> None: ...
    def find_role(self, name: str) -> Optional[Role]: ...
    def role(self, name: str) -> Role:
        """The role named `name` (live); KeyError if none."""

# strata/cluster.h
class StorageOverride(_Value):
    name: str
    size: Optional[Quantity]
    storage_class_name: str
    def __init__(self, **fields: Any) -> None: ...

class MemberReplace(_Value):
    member: str
    token: str
    def __init__(self, *, member: str = ..., token: str = ...) -> None: ...

class RoleOverride(_Value):
    name: str
    members: Optional[int]
    image: str
    resources: Resources
    storage: StorageOverrideList
    env: EnvVarList
    config: dict[str, list[tuple[str, str]]]
    node_selector: StringMap
    tolerations: JSON
    pod: PodSettings
    service_account_name: str
    image_pull_secrets: list[str]
    priority_class_name: str
    pod_labels: StringMap
    pod_annotations: StringMap
    restart_token: str
    replace: MemberReplaceList
    containers: ContainerList
    init_containers: ContainerList
    def __init__(self, *, name: str = ..., members: Optional[int] = ..., image: str = ..., **fields: Any) -> None: ...

class Connection(_Value):
    name: str
    endpoint: str
    def __init__(self, *, name: str = ..., endpoint: str = ...) -> None: ...

class MaintenanceWindow(_Value):
    days: list[str]
    start: str
    end: str
    def __init__(self, *, days: list[str] = ..., start: str = ..., end: str = ...) -> None: ...

class Maintenance(_Value):
    windows: list[MaintenanceWindow]
    def __init__(self, *, windows: list[MaintenanceWindow] = ...) -> None: ...

class Cluster(_Value):
    name: str
    namespace: str
    labels: StringMap
    app: str
    domain: str
    roles: RoleOverrideList
    connections: ConnectionList
    stopped: bool
    maintenance: Maintenance
    def __init__(self, *, name: str = ..., namespace: str = ..., app: str = ..., roles: Iterable[RoleOverride] = ..., **fields: Any) -> None: ...
    def find_role(self, name: str) -> Optional[RoleOverride]: ...
    def role(self, name: str) -> RoleOverride:
        """The override for role `name` (live), added if missing."""

# strata/diagnostic.h
class Diagnostic(_Value):
    class Severity(enum.Enum):
        ERROR = 0
        WARNING = 1
    severity: Diagnostic.Severity
    file: str
    document: int
    line: int
    column: int
    path: str
    message: str
    def __init__(self, **fields: Any) -> None: ...
    def to_string(self) -> str: ...

def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]: ...
def has_errors(diagnostics: list[Diagnostic]) -> bool: ...

# strata/documents.h
class Location(_Value):
    line: int
    column: int
    def __init__(self, *, line: int = ..., column: int = ...) -> None: ...

class AppDocument(_Value):
    app: App
    file: str
    index: int
    source: dict[str, Location]
    def __init__(self, **fields: Any) -> None: ...

class ClusterDocument(_Value):
    cluster: Cluster
    file: str
    index: int
    source: dict[str, Location]
    def __init__(self, **fields: Any) -> None: ...

class Documents(_Value):
    apps: AppDocumentList
    clusters: ClusterDocumentList
    def __init__(self, **fields: Any) -> None: ...
    def find_app(self, name: str) -> Optional[AppDocument]: ...

class Source(_Value):
    name: str
    text: str
    def __init__(self, *, name: str = ..., text: str = ...) -> None: ...

# strata/limits.h
class Limits(_Value):
    max_file_size: int
    max_alias_bytes: int
    max_alias_nodes: int
    max_nesting: int
    max_documents: int
    max_members: int
    max_config_map_size: int
    def __init__(self, **fields: Any) -> None: ...

def load(sources: list[Source], limits: Limits = ...) -> Documents: ...
def locate(source: Mapping[str, Location], path: str) -> Location: ...

# strata/validate.h
class Topology(_Value):
    app: App
    cluster: Cluster
    def __init__(self, *, app: App = ..., cluster: Cluster = ...) -> None: ...

def check(documents: Documents) -> list[Diagnostic]: ...
def check_topology(app: App, cluster: Cluster) -> list[Diagnostic]: ...
def validate(documents: Documents) -> None: ...
def resolve(documents: Documents) -> list[Topology]: ...

# strata/compile.h
class CompileOptions(_Value):
    limits: Limits
    def __init__(self, **fields: Any) -> None: ...

class Object(_Value):
    kind: str
    name: str
    role: str
    body: JSON
    def __init__(self, *, kind: str = ..., name: str = ..., role: str = ..., body: JSON = ...) -> None: ...

class CompiledRole(_Value):
    name: str
    members: int
    stateful_set: str
    config_map: str
    live_config_map: str
    spec_hash: str
    config_hash: str
    max_unavailable: int
    depends_on: list[str]
    storage: StorageList
    role: Role
    def __init__(self, **fields: Any) -> None: ...

class CompiledCluster(_Value):
    cluster: str
    namespace: str
    app: str
    roles: list[CompiledRole]
    objects: list[Object]
    def __init__(self, **fields: Any) -> None: ...
    def find_role(self, name: str) -> Optional[CompiledRole]: ...

def compile(topology: Topology, options: CompileOptions = ...) -> CompiledCluster: ...

# strata/emit.h
@overload
def to_yaml(objects: list[Object]) -> str: ...
@overload
def to_yaml(value: JSON) -> str: ...
def to_json_list(objects: list[Object]) -> str: ...
def object_file_name(object: Object) -> str: ...

# strata/observed_state.h
class ObservedState(_Value):
    stateful_sets: list[dict]
    pods: list[dict]
    services: list[dict]
    config_maps: list[dict]
    pod_disruption_budgets: list[dict]
    persistent_volume_claims: list[dict]
    nodes: list[dict]
    secrets: list[dict]
    def __init__(self, **fields: Any) -> None: ...
    def empty(self) -> bool: ...

def parse_observed_state(text: str, source_name: str, limits: Limits = ...) -> ObservedState: ...
def observed_state_from_json(value: JSON, source_name: str) -> ObservedState: ...
def observed_state_to_list(state: ObservedState) -> dict: ...

# strata/pipeline.h
NO_CLUSTER_MESSAGE: str

class PrepareOptions(_Value):
    need_cluster: bool
    cluster: str
    need_one: bool
    limits: Limits
    def __init__(self, **fields: Any) -> None: ...

class Prepared(_Value):
    documents: Documents
    topologies: list[Topology]
    warnings: list[Diagnostic]
    def __init__(self, **fields: Any) -> None: ...

def prepare(documents: Documents, options: PrepareOptions = ...) -> Prepared: ...
def compile_all(prepared: Prepared, options: CompileOptions = ...) -> list[CompiledCluster]: ...

# strata/plan.h
class Action(enum.Enum):
    APPLY = 0
    DELETE = 1
    RESTART = 2
    EXEC = 3
    WAIT = 4
    RESIZE_PVC = 5

def action_name(action: Action) -> str: ...

class Phase(enum.Enum):
    OBJECTS = 0
    STORAGE = 1
    REPAIR = 2
    MEMBERSHIP = 3
    UPDATE = 4
    READY = 5
    CLEANUP = 6
    REMOVAL = 7

def phase_name(phase: Phase) -> str: ...

class Hook(enum.Enum):
    NONE = 0
    GATE = 1
    MEMBER_LEAVE = 2
    MEMBER_JOIN = 3

def hook_name(hook: Hook) -> str: ...

class WaitCondition(_Value):
    class Kind(enum.Enum):
        POD_READY = 0
        ROLE_READY = 1
        PVC_CAPACITY = 2
        ROLE_STOPPED = 3
        APPROVAL = 4
        WINDOW = 5
        NOT_BEFORE = 6
    kind: WaitCondition.Kind
    target: str
    stateful_set: str
    count: int
    min_ready_seconds: int
    size: str
    @property
    def text(self) -> str: ...
    def __init__(self, **fields: Any) -> None: ...

class Target(_Value):
    kind: str
    name: str
    role: str
    ordinal: Optional[int]
    def __init__(self, **fields: Any) -> None: ...

class Step(_Value):
    id: int
    action_kind: Action
    @property
    def action(self) -> str: ...
    target: Target
    after: list[int]
    reason: str
    object: JSON
    orphan: bool
    size: str
    command: list[str]
    pod: str
    env: list[str]
    condition: Optional[WaitCondition]
    timeout_seconds: int
    phase_kind: Phase
    hook_kind: Hook
    @property
    def phase(self) -> str: ...
    @property
    def hook(self) -> str: ...
    def __init__(self, **fields: Any) -> None: ...

class Plan(_Value):
    cluster: str
    namespace: str
    converged: bool
    steps: list[Step]
    next: list[int]
    notes: list[str]
    blocked: bool
    blocked_reason: str
    def __init__(self, **fields: Any) -> None: ...

class PlanOptions(_Value):
    now: datetime.datetime
    def __init__(self, *, now: datetime.datetime = ...) -> None: ...

def plan_rollout(desired: CompiledCluster, observed: ObservedState, options: PlanOptions = ...) -> Plan: ...
def plan_to_json(plan: Plan) -> dict: ...
def plan_to_text(plan: Plan) -> str: ...
def plan_to_dot(plan: Plan) -> str: ...

# strata/plan_diff.h
class FieldChange(_Value):
    path: str
    before: Any
    after: Any
    def __init__(self, **fields: Any) -> None: ...

class ObjectChangeKind(enum.Enum):
    ADD = 0
    CHANGE = 1
    DELETE = 2

class ObjectChange(_Value):
    kind: ObjectChangeKind
    object_kind: str
    name: str
    role: str
    object: Any
    replaces: str
    fields: list[FieldChange]
    note: str
    @property
    def op(self) -> str: ...
    def __init__(self, **fields: Any) -> None: ...

class MemberRestart(_Value):
    pod: str
    role: str
    reason: str
    def __init__(self, **fields: Any) -> None: ...

class PlanDiff(_Value):
    cluster: str
    namespace: str
    objects: list[ObjectChange]
    restarts: list[MemberRestart]
    to_add: int
    to_change: int
    to_delete: int
    @property
    def empty(self) -> bool: ...
    def __init__(self, **fields: Any) -> None: ...

def diff_plan(desired: CompiledCluster, observed: ObservedState, plan: Plan) -> PlanDiff: ...
def plan_diff_to_text(diff: PlanDiff) -> str: ...
def plan_diff_to_json(diff: PlanDiff) -> dict: ...

# strata/simulate.h
class Fault(_Value):
    class Kind(enum.Enum):
        NEVER_READY = 0
        POD_DIES = 1
        GATE_FAILS = 2
        NODE_LOSS = 3
        EVICT = 4
        API_ERROR = 5
    kind: Fault.Kind
    pods: list[str]
    at_step: int
    times: int
    object: str
    code: int
    def __init__(self, **fields: Any) -> None: ...

def parse_faults(spec: str) -> list[Fault]: ...

class SimulateOptions(_Value):
    start: datetime.datetime
    ready_delay: datetime.timedelta
    faults: list[Fault]
    max_plans: int
    resize_delay: datetime.timedelta
    def __init__(self, **fields: Any) -> None: ...

class TimelineEvent(_Value):
    time: datetime.datetime
    plan: int
    what: str
    def __init__(self, **fields: Any) -> None: ...

class Timeline(_Value):
    events: list[TimelineEvent]
    violations: list[str]
    converged: bool
    blocked: bool
    blocked_reason: str
    plans: int
    final_state: ObservedState
    start: datetime.datetime
    steps: int
    ok: bool
    def __init__(self, **fields: Any) -> None: ...

def simulate(desired: CompiledCluster, initial: ObservedState, options: SimulateOptions = ...) -> Timeline: ...
def timeline_to_text(timeline: Timeline) -> str: ...
def timeline_to_json(timeline: Timeline) -> dict: ...
