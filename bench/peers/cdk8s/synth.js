// cdk8s peer for bench/peers/run.sh: the N-role topology of bench/peers/gen_topology.py
// written with cdk8s 2 and the cdk8s-plus-33 typed classes, synthesised with
// app.synthYaml() to standard output.
//
//   node synth.js N [--timings]
//
// Each role-i gives the 5 objects strata compiles from gen_topology.py's role: its
// properties ConfigMap, the headless Service, the client Service, the StatefulSet and a
// PodDisruptionBudget (minAvailable/maxUnavailable as strata's: 3 members, budget 1),
// with the same names (the ConfigMap's hash suffix is cdk8s' own: a sha256 of its data).
// The objects carry what the typed classes produce; run.sh checks only that both sides
// emit the same kinds and names.
//
// --timings prints one JSON line to stderr: wall and CPU milliseconds of building the
// construct tree (construct_ms, construct_cpu_ms) and of app.synthYaml() (synth_ms,
// synth_cpu_ms), measured in-process like strata's `compile --timings`.
'use strict';
// User + system CPU milliseconds between two process.cpuUsage() readings.
const cpuMs = (a, b) => (b.user - a.user + b.system - a.system) / 1e3;
const crypto = require('crypto');
const { App, Chart, Size, Duration } = require('cdk8s');
const kplus = require('cdk8s-plus-33');

const n = Number(process.argv[2]);
const timings = process.argv.includes('--timings');
if (!Number.isInteger(n) || n < 1) {
  console.error('usage: node synth.js N [--timings]');
  process.exit(2);
}

const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
const app = new App();
const chart = new Chart(app, 'bench', { namespace: 'bench', disableResourceNameHashes: true });
const cluster = 'bench';

for (let i = 0; i < n; i++) {
  const role = `role-${i}`;
  const name = `${cluster}-${role}`;
  const labels = {
    'app.kubernetes.io/name': 'bench',
    'app.kubernetes.io/instance': cluster,
    'app.kubernetes.io/component': role,
    'app.kubernetes.io/version': '1.0.0',
    'app.kubernetes.io/managed-by': 'cdk8s',
    'app.kubernetes.io/part-of': 'bench',
  };
  const selector = { 'app.kubernetes.io/instance': cluster, 'app.kubernetes.io/component': role };
  const ports = [{ name: 'client', port: 9000 }, { name: 'peer', port: 9001 }];
  if (i % 2) ports.push({ name: 'admin', port: 9002 });

  const properties = [
    `node.role=${role}`, 'client.port=9000', 'peer.port=9001', 'data.dir=/data',
  ].join('\n') + '\n';
  const hash = crypto.createHash('sha256').update(properties).digest('hex').slice(0, 10);
  const config = new kplus.ConfigMap(chart, `${role}-config`, {
    metadata: { name: `${name}-config-${hash}`, labels },
    data: { 'conf-app.properties': properties },
    immutable: true,
  });

  const headless = new kplus.Service(chart, `${role}-headless`, {
    metadata: { name, labels },
    clusterIP: 'None',
    publishNotReadyAddresses: true,
    ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port })),
  });
  const sts = new kplus.StatefulSet(chart, `${role}-sts`, {
    metadata: { name, labels },
    service: headless,
    replicas: 3,
    podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
    strategy: kplus.StatefulSetUpdateStrategy.onDelete(),
    podMetadata: { labels },
    select: false,
    securityContext: { ensureNonRoot: true, user: 1000 },
    automountServiceAccountToken: false,
  });
  for (const [k, v] of Object.entries(selector)) sts.select(kplus.LabelSelector.of({ labels: { [k]: v } }));
  const container = sts.addContainer({
    name: role,
    image: `example.com/bench/role-${i % 10}:1.${i % 7}`,
    ports: ports.map((p) => ({ name: p.name, number: p.port })),
    envVariables: {
      STRATA_CLUSTER: kplus.EnvValue.fromValue(cluster),
      STRATA_ROLE: kplus.EnvValue.fromValue(role),
      STRATA_POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
    },
    resources: {
      cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.units(1) },
      memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) },
    },
    readiness: kplus.Probe.fromTcpSocket({ port: 9000, periodSeconds: Duration.seconds(10) }),
    liveness: kplus.Probe.fromTcpSocket({
      port: 9000, initialDelaySeconds: Duration.seconds(30), timeoutSeconds: Duration.seconds(5),
    }),
    securityContext: { ensureNonRoot: true, readOnlyRootFilesystem: false, allowPrivilegeEscalation: false },
  });
  container.mount('/conf/app.properties', kplus.Volume.fromConfigMap(chart, `${role}-config-volume`, config, {
    name: 'strata-config',
  }), { subPath: 'conf-app.properties', readOnly: true });
  sts.addVolumeClaimTemplate({
    name: 'data',
    storage: Size.gibibytes(i % 2 ? 100 : 10),
    accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
  });
  // cdk8s-plus mounts a claim template through a pod volume of the same name, which it
  // then leaves out of the pod's volumes.
  container.mount('/data', kplus.Volume.fromEmptyDir(chart, `${role}-data`, 'data'));
  new kplus.Service(chart, `${role}-client`, {
    metadata: { name: `${name}-client`, labels },
    type: kplus.ServiceType.CLUSTER_IP,
    selector: sts,
    ports: [{ name: 'client', port: 9000, targetPort: 9000 }],
  });

  new kplus.k8s.KubePodDisruptionBudget(chart, `${role}-pdb`, {
    metadata: { name, labels },
    spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
  });
}
const t1 = process.hrtime.bigint();
const c1 = process.cpuUsage();
const yaml = app.synthYaml();
const t2 = process.hrtime.bigint();
const c2 = process.cpuUsage();
process.stdout.write(yaml);
if (timings) {
  const objects = (yaml.match(/^kind: /gm) || []).length;
  process.stderr.write(JSON.stringify({
    construct_ms: Number(t1 - t0) / 1e6, synth_ms: Number(t2 - t1) / 1e6,
    construct_cpu_ms: cpuMs(c0, c1), synth_cpu_ms: cpuMs(c1, c2), objects,
  }) + '\n');
}
