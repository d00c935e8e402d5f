"""The day-2 and topology fields set from Python (issues 14/15): sidecars and
init containers, downward-API env, metrics, the first-class pod fields,
Service annotations, rollout approval, and the Cluster's restartToken,
replace and stopped. Each is set on the live model, compiled (or planned),
and checked in the output and against the same document written in YAML."""

from __future__ import annotations

import datetime as dt

import pytest
import strata
from strata_testing import KAFKA

BROKER_HEAD = "  - name: broker\n    image: apache/kafka:3.7.0\n"

# The App-side fields, written in YAML into the kafka example's broker role.
APP_FIELDS = """\
    serviceAccountName: kafka
    imagePullSecrets: [regcred]
    priorityClassName: high
    podLabels: {tier: data}
    podAnnotations: {owner: analytics}
    containers:
    - name: exporter
      image: exporter:1
      ports: [{name: metrics, port: 9404}]
      env: [{name: POD_IP, field: status.podIP}]
      volumeMounts: [{name: data, mountPath: /data, readOnly: true}]
      config: [/conf/server.properties]
    initContainers:
    - name: format
      image: busybox:1
      command: [sh, -c, "true"]
      volumeMounts: [{name: data, mountPath: /var/lib/kafka}]
    metrics: {port: metrics, path: /prom}
"""

# The Cluster-side fields, written in YAML into the broker override.
CLUSTER_FIELDS = """\
    restartToken: rotate-certs-1
    replace:
    - {member: events-broker-1, token: disk-swap-1}
    serviceAccountName: kafka-prod
    imagePullSecrets: [prodcred]
    priorityClassName: critical
    podLabels: {env: prod}
    podAnnotations: {owner: platform}
    containers:
    - {name: exporter, image: exporter:2, ports: [{name: metrics, port: 9404}]}
    initContainers:
    - {name: warm, image: busybox:2}
"""


def app_text(extra: bool) -> str:
    text = (KAFKA / "app.yaml").read_text()
    if not extra:
        return text
    assert text.count(BROKER_HEAD) == 1 and text.count("      minReadySeconds: 30\n") == 1
    text = text.replace(BROKER_HEAD, BROKER_HEAD + APP_FIELDS)
    text = text.replace("      minReadySeconds: 30\n", "      minReadySeconds: 30\n      approval: every\n")
    service = "    - name: client\n      ports: [kafka]\n"
    assert text.count(service) == 1
    return text.replace(service, service + "      annotations: {lb.example/internal: \"true\"}\n")


def cluster_text(extra: bool, stopped: bool = False) -> str:
    text = (KAFKA / "cluster.yaml").read_text()
    if extra:
        head = "  - name: broker\n    members: 5\n"
        assert text.count(head) == 1
        text = text.replace(head, head + CLUSTER_FIELDS)
    if stopped:
        text = text.replace("  app: kafka\n", "  app: kafka\n  stopped: true\n")
    return text


def set_app_fields(docs) -> None:
    """APP_FIELDS (and approval, Service annotations), set from Python."""
    broker = docs.app().role("broker")
    broker.service_account_name = "kafka"
    broker.image_pull_secrets = ["regcred"]
    broker.priority_class_name = "high"
    broker.pod_labels["tier"] = "data"
    broker.pod_annotations = {"owner": "analytics"}
    broker.containers.append(strata.Container(
        name="exporter", image="exporter:1", ports=[strata.Port(name="metrics", port=9404)],
        env=[strata.EnvVar(name="POD_IP", field="status.podIP")],
        volume_mounts=[strata.VolumeMount(name="data", mount_path="/data", read_only=True)],
        config=["/conf/server.properties"]))
    broker.init_containers = [strata.Container(
        name="format", image="busybox:1", command=["sh", "-c", "true"],
        volume_mounts=[strata.VolumeMount(name="data", mount_path="/var/lib/kafka")])]
    broker.metrics = strata.Metrics(port=strata.PortRef(name="metrics"), path="/prom")
    broker.rollout.approval = strata.Approval.EVERY
    broker.services[0].annotations["lb.example/internal"] = "true"


def set_cluster_fields(docs) -> None:
    """CLUSTER_FIELDS, set from Python through cluster.role(...)."""
    cluster = docs.cluster()
    cluster.role("broker").restart_token = "rotate-certs-1"
    cluster.role("broker").replace.append(strata.MemberReplace(member="events-broker-1",
                                                               token="disk-swap-1"))
    o = cluster.role("broker")
    o.service_account_name = "kafka-prod"
    o.image_pull_secrets = ["prodcred"]
    o.priority_class_name = "critical"
    o.pod_labels["env"] = "prod"
    o.pod_annotations["owner"] = "platform"
    o.containers = [strata.Container(name="exporter", image="exporter:2",
                                     ports=[strata.Port(name="metrics", port=9404)])]
    o.init_containers.append(strata.Container(name="warm", image="busybox:2"))


def pod_of(objects, name="events-broker"):
    return objects.find("StatefulSet", name)["spec"]["template"]


def test_app_fields_set_from_python_equal_the_yaml_path():
    from_yaml = strata.load(app_text(True), cluster_text(False))
    docs = strata.load(app_text(False), cluster_text(False))
    assert docs.app() != from_yaml.app()
    set_app_fields(docs)
    assert docs.app() == from_yaml.app()
    assert strata.compile(docs) == strata.compile(from_yaml)


def test_sidecars_init_containers_env_and_metrics_compile():
    docs = strata.load(KAFKA)
    set_app_fields(docs)
    pod = pod_of(strata.compile(docs))
    spec = pod["spec"]
    assert [c["name"] for c in spec["containers"]] == ["broker", "exporter"]
    exporter = spec["containers"][1]
    assert exporter["image"] == "exporter:1"
    assert exporter["ports"] == [{"name": "metrics", "containerPort": 9404, "protocol": "TCP"}]
    pod_ip = [e for e in exporter["env"] if e["name"] == "POD_IP"]
    assert pod_ip == [{"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}}}]
    assert {"name": "data", "mountPath": "/data", "readOnly": True} in exporter["volumeMounts"]
    assert any(m["mountPath"] == "/conf/server.properties" for m in exporter["volumeMounts"])
    [init] = spec["initContainers"]
    assert (init["name"], init["image"], init["command"]) == ("format", "busybox:1", ["sh", "-c", "true"])
    assert {"name": "data", "mountPath": "/var/lib/kafka"} in init["volumeMounts"]
    annotations = pod["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == "9404"
    assert annotations["prometheus.io/path"] == "/prom"
    assert annotations["owner"] == "analytics"
    assert pod["metadata"]["labels"]["tier"] == "data"
    assert spec["serviceAccountName"] == "kafka"
    assert spec["imagePullSecrets"] == [{"name": "regcred"}]
    assert spec["priorityClassName"] == "high"


def test_service_annotations_compile():
    docs = strata.load(KAFKA)
    docs.app().role("broker").services[0].annotations["lb.example/internal"] = "true"
    service = strata.compile(docs).find("Service", "events-broker-client")
    assert service["metadata"]["annotations"]["lb.example/internal"] == "true"


def test_pod_fields_are_the_flat_names_of_pod_settings():
    role = strata.Role(name="r")
    role.pod_labels["a"] = "1"
    role.image_pull_secrets = ["s"]
    assert role.pod == strata.PodSettings(labels={"a": "1"}, image_pull_secrets=["s"])
    role.pod.service_account_name = "sa"
    assert role.service_account_name == "sa"
    o = strata.RoleOverride(name="r", pod_annotations={"k": "v"}, priority_class_name="p")
    assert (dict(o.pod.annotations), o.pod.priority_class_name) == ({"k": "v"}, "p")


def test_cluster_fields_set_from_python_equal_the_yaml_path():
    from_yaml = strata.load(app_text(True), cluster_text(True))
    docs = strata.load(app_text(True), cluster_text(False))
    assert docs.cluster() != from_yaml.cluster()
    set_cluster_fields(docs)
    assert docs.cluster() == from_yaml.cluster()
    assert strata.compile(docs) == strata.compile(from_yaml)


def test_cluster_overrides_compile():
    docs = strata.load(app_text(True), cluster_text(False))
    before = pod_of(strata.compile(docs))
    set_cluster_fields(docs)
    pod = pod_of(strata.compile(docs))
    annotations = pod["metadata"]["annotations"]
    assert annotations["strata.dev/restart-token"] == "rotate-certs-1"
    assert "strata.dev/restart-token" not in before["metadata"]["annotations"]
    assert annotations["strata.dev/spec-hash"] != before["metadata"]["annotations"]["strata.dev/spec-hash"]
    assert annotations["owner"] == "platform"  # merged per key over the App's
    assert pod["metadata"]["labels"]["tier"] == "data" and pod["metadata"]["labels"]["env"] == "prod"
    spec = pod["spec"]
    assert spec["serviceAccountName"] == "kafka-prod"
    assert spec["imagePullSecrets"] == [{"name": "prodcred"}]
    assert spec["priorityClassName"] == "critical"
    assert [(c["name"], c["image"]) for c in spec["containers"][1:]] == [("exporter", "exporter:2")]
    assert [c["name"] for c in spec["initContainers"]] == ["format", "warm"]


def test_stopped_gives_zero_replicas_and_keeps_the_statefulsets():
    docs = strata.load(KAFKA)
    running = {o["metadata"]["name"]: o["spec"]["replicas"]
               for o in strata.compile(docs) if o["kind"] == "StatefulSet"}
    assert running == {"events-zookeeper": 3, "events-broker": 5}
    docs.cluster().stopped = True
    stopped = {o["metadata"]["name"]: o["spec"]["replicas"]
               for o in strata.compile(docs) if o["kind"] == "StatefulSet"}
    assert stopped == {"events-zookeeper": 0, "events-broker": 0}
    from_yaml = strata.load(app_text(False), cluster_text(False, stopped=True))
    assert from_yaml.cluster().stopped is True
    assert strata.compile(docs) == strata.compile(from_yaml)


def _converged():
    """The kafka example converged in simulation, and a time past every wait."""
    t = strata.simulate(strata.load(KAFKA))
    assert t.converged and t.violations == []
    return t.final_state, t.events[-1].time + dt.timedelta(hours=1)


def test_approval_plans_the_same_from_python_and_yaml():
    state, later = _converged()
    plans = []
    for docs in (strata.load(app_text(False), cluster_text(False)),
                 strata.load(app_text(False).replace("      minReadySeconds: 30\n",
                                                     "      minReadySeconds: 30\n      approval: every\n"),
                             cluster_text(False))):
        if not plans:
            assert docs.app().role("broker").rollout.approval == strata.Approval.NONE
            docs.app().role("broker").rollout.approval = strata.Approval.EVERY
        docs.cluster().role("broker").image = "apache/kafka:3.8.0"
        plans.append(strata.plan(docs, observed=state, now=later))
    assert plans[0].to_text() == plans[1].to_text()
    waits = [s for s in plans[0].steps
             if s.condition is not None and s.condition.kind == strata.WaitCondition.Kind.APPROVAL]
    # every: one approval before each broker's restart.
    assert sorted(s.target.name for s in waits) == [f"events-broker-{i}" for i in range(5)]


def test_replace_plans_the_same_from_python_and_yaml():
    state, later = _converged()
    yaml_cluster = cluster_text(False).replace(
        "  - name: broker\n    members: 5\n",
        "  - name: broker\n    members: 5\n    replace:\n    - {member: events-broker-1, token: t1}\n")
    from_yaml = strata.plan(strata.load(app_text(False), yaml_cluster), observed=state, now=later)
    docs = strata.load(KAFKA)
    docs.cluster().role("broker").replace = [strata.MemberReplace(member="events-broker-1", token="t1")]
    plan = strata.plan(docs, observed=state, now=later)
    assert plan.to_text() == from_yaml.to_text()
    deleted = [s.target.name for s in plan.steps if s.action == "delete"]
    assert deleted == ["data-events-broker-1"]
    assert any(s.action == "restart" and s.target.name == "events-broker-1" for s in plan.steps)


def test_invalid_new_fields_raise_validation_errors_naming_them():
    docs = strata.load(KAFKA)
    docs.cluster().role("broker").replace.append(strata.MemberReplace(member="events-broker-9", token="t"))
    with pytest.raises(strata.ValidationError) as e:
        strata.compile(docs)
    assert "replace" in str(e.value)


def test_container_find_port_returns_the_live_port_or_none():
    c = strata.Container(name="exporter", ports=[strata.Port(name="metrics", port=9404)])
    assert c.find_port("metrics").port == 9404 and c.find_port("nope") is None
    c.find_port("metrics").port = 9405  # live, like Role.find_port
    assert c.ports[0].port == 9405
