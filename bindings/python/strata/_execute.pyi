# Type stubs for strata._execute (bindings/python/strata_py_execute.cc): the
# executor and Kubernetes client behind strata.apply/observe/status.
import datetime
from typing import Any, Callable, Optional

from ._strata import CompiledCluster, ObservedState, Plan

class KubeClient:
    @property
    def server(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def requests_sent(self) -> int: ...
    def observe(self, desired: CompiledCluster) -> tuple[ObservedState, datetime.datetime]: ...
    def status(self, desired: CompiledCluster) -> tuple[dict[str, Any], str]: ...

def connect(kubeconfig: str, context: str) -> KubeClient: ...
def reconcile(
    desired: CompiledCluster,
    client: KubeClient,
    timeout: Optional[datetime.timedelta],
    once: bool,
    dry_run: bool,
    approve: list[str],
    on_event: Optional[Callable[[dict[str, Any]], Any]],
    handle_sigint: bool,
    unavailable_grace: Optional[datetime.timedelta],
) -> tuple[dict[str, Any], Plan, datetime.datetime, datetime.datetime]: ...
