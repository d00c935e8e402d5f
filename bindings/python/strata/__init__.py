"""strata: compile stateful data-system topologies into Kubernetes objects and
safe, ordered rollout plans.

    import strata

    docs = strata.load("examples/kafka")            # App + Cluster documents
    objects = strata.compile(docs)                  # list of Kubernetes dicts
    plan = strata.plan(docs, observed=None)         # against an empty cluster
    docs.cluster("events").role("broker").members = 5
    plan = strata.plan(docs, observed=kubectl_list) # scale out
    timeline = strata.simulate(docs, faults="never-ready=events-broker-4")
    result = strata.apply(docs, kubeconfig="~/.kube/config")  # act on a cluster
    state = strata.observe(docs)                    # what runs there now
    strata.status(docs)                             # converged? what is next?

Invalid input raises ValidationError, whose ``errors`` carry file, line,
column, path, message and severity, and whose text is what the ``strata`` CLI
prints. Other failures raise Error with ``code`` and ``message``. The model
classes (App, Role, Cluster, RoleOverride, Resources, Quantity, ...) are the
C++ value types; their fields can be changed in place and compiled again.
"""

from __future__ import annotations

from . import _model, _strata
from ._api import (
    compile,
    load,
    observed_state,
    plan,
    simulate,
    to_json,
    to_yaml,
    validate,
)
from ._cluster import (
    ApplyResult,
    ClusterApply,
    ClusterError,
    ClusterStatus,
    NotebookProgress,
    StatusReport,
    TextProgress,
    apply,
    observe,
    status,
)
from ._results import CompiledObjects, Documents, Plan, PlanDiff, Timeline, dot_to_svg
from ._strata import (
    Action,
    AfterLeave,
    App,
    Approval,
    Cardinality,
    Cluster,
    CompiledCluster,
    CompiledRole,
    ConfigFile,
    ConfigFormat,
    Connection,
    Container,
    Diagnostic,
    EnvVar,
    Error,
    Fault,
    FieldChange,
    Gate,
    Handler,
    Hook,
    InitialRollout,
    Limits,
    IntOrPercent,
    Lifecycle,
    Maintenance,
    MaintenanceWindow,
    MemberReplace,
    MemberRestart,
    Metrics,
    ObjectChange,
    ObjectChangeKind,
    ObservedState,
    OnChange,
    Phase,
    Placement,
    PlacementMode,
    PodSettings,
    Port,
    PortRef,
    Probe,
    Probes,
    Quantity,
    Quorum,
    Resources,
    Role,
    RoleOverride,
    RolloutOrder,
    RolloutPolicy,
    RolloutStrategy,
    SecretKeyRef,
    Security,
    ServiceSpec,
    ServiceType,
    Spread,
    StatusCode,
    Step,
    Storage,
    StorageOverride,
    Target,
    TimelineEvent,
    Topology,
    ValidationError,
    VolumeMount,
    VolumePolicy,
    WaitCondition,
)


_model.install()

__version__ = "0.1.0"

__all__ = [
    # Entry points.
    "load",
    "validate",
    "compile",
    "plan",
    "simulate",
    "observed_state",
    "apply",
    "observe",
    "status",
    "to_yaml",
    "to_json",
    "dot_to_svg",
    # Results.
    "Documents",
    "CompiledObjects",
    "Plan",
    "PlanDiff",
    "ObjectChange",
    "ObjectChangeKind",
    "FieldChange",
    "MemberRestart",
    "Step",
    "Target",
    "Action",
    "Phase",
    "Hook",
    "WaitCondition",
    "Timeline",
    "TimelineEvent",
    "Fault",
    "ObservedState",
    "Limits",
    "CompiledCluster",
    "CompiledRole",
    "ApplyResult",
    "ClusterApply",
    "ClusterStatus",
    "StatusReport",
    "TextProgress",
    "NotebookProgress",
    # Errors.
    "Error",
    "ClusterError",
    "ValidationError",
    "StatusCode",
    "Diagnostic",
    # Model.
    "App",
    "Role",
    "Cluster",
    "RoleOverride",
    "StorageOverride",
    "MemberReplace",
    "Maintenance",
    "MaintenanceWindow",
    "Connection",
    "Topology",
    "Resources",
    "Quantity",
    "Cardinality",
    "Port",
    "PortRef",
    "EnvVar",
    "SecretKeyRef",
    "Storage",
    "VolumePolicy",
    "AfterLeave",
    "ConfigFile",
    "ConfigFormat",
    "OnChange",
    "Probe",
    "Probes",
    "Handler",
    "RolloutPolicy",
    "RolloutStrategy",
    "RolloutOrder",
    "Approval",
    "InitialRollout",
    "IntOrPercent",
    "Gate",
    "Lifecycle",
    "Security",
    "Placement",
    "Spread",
    "PlacementMode",
    "Quorum",
    "ServiceSpec",
    "ServiceType",
    "PodSettings",
    "Container",
    "VolumeMount",
    "Metrics",
]
