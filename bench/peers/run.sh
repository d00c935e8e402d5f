#!/usr/bin/env bash
# Whole-process comparisons with the tools people use today, side by side in one run:
#
#  - cdk8s: `strata compile` against `node synth.js` (cdk8s 2 with the cdk8s-plus-33 typed
#    classes, app.synthYaml()) on the generated topology of issue 17: one App of N roles
#    (bench/peers/gen_topology.py; 5 objects per role), N = 1, 100, 1000, 10000. Also
#    in-process times from inside each tool (`strata compile --timings`, `synth.js
#    --timings`), `strata compile --out-dir` against stdout, and `strata validate`.
#  - helm: `strata compile` against `helm template` rendering the same Kafka-with-ZooKeeper
#    topology (examples/kafka vs bench/peers/chart) for N = 1, 10, 100, 1000 clusters, with
#    peak RSS against the size of the output.
#
# Every command runs once per measurement as a fresh process (startup, parsing,
# rendering, writing YAML to /dev/null). Ratios are peer / strata of the same run.
#
#   bash bench/peers/run.sh
#
# Environment:
#   STRATA     strata binary (default: build/tools/strata/strata)
#   PEERS      which comparisons (default: "cdk8s helm")
#   ROLES      cdk8s: role counts (default: "1 100 1000 10000")
#   SIZES      helm: cluster counts (default: "1 10 100 1000")
#   RUNS       timed runs per command, >= 10 (default: 10); WARMUP (default: 3)
#   RSS_RUNS   /usr/bin/time runs per command for max RSS (default: 5; median reported)
#   LINT=0     skip `strata validate` vs `helm lint`
#   PER_RELEASE_N  also time helm as one release per cluster (N processes) at this N
#                  (default: 10; 0 to skip)
#
# Installs what is missing: helm (pinned, `go install` into
# ${XDG_CACHE_HOME:-$HOME/.cache}/strata-tools/bin, several minutes the first time),
# cdk8s (`npm ci` from bench/peers/cdk8s/package-lock.json into its node_modules; offline
# afterwards), hyperfine and GNU time (apt; without hyperfine a small Python timer is used).
# Exits non-zero when a tool fails, or when the two sides of a comparison do not emit the
# same kinds and names (cdk8s: 5 objects per role; helm: 11 per cluster, 2 StatefulSets,
# 4 Services, 3 ConfigMaps, 2 PodDisruptionBudgets).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HELM_VERSION=v3.21.4
TOOLS=${XDG_CACHE_HOME:-$HOME/.cache}/strata-tools/bin
STRATA=${STRATA:-$ROOT/build/tools/strata/strata}
SIZES=${SIZES:-"1 10 100 1000"}
ROLES=${ROLES:-"1 100 1000 10000"}
PEERS=${PEERS:-"cdk8s helm"}
CDK8S=$ROOT/bench/peers/cdk8s
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-3}
RSS_RUNS=${RSS_RUNS:-5}
LINT=${LINT:-1}
PER_RELEASE_N=${PER_RELEASE_N:-10}
PER_CLUSTER=11  # objects per cluster; examples/kafka and the chart must agree
APP=$ROOT/examples/kafka/app.yaml
CHART=$ROOT/bench/peers/chart
export GOMAXPROCS=2  # the machine has 2 cores

log() { printf '[peers] %s\n' "$*" >&2; }
die() { printf '[peers] FAIL: %s\n' "$*" >&2; exit 1; }

((RUNS >= 10)) || die "RUNS must be at least 10"
[ -x "$STRATA" ] || die "no strata binary at $STRATA (build it: cmake -S . -B build -G Ninja -DSTRATA_BUILD_GRPC=OFF -DSTRATA_BUILD_TESTS=OFF -DSTRATA_BUILD_BENCHMARKS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo && ninja -C build -j2 strata_cli)"

# --- tools ---------------------------------------------------------------------
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  log "installing $* (apt)"
  $sudo apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

HELM=$TOOLS/helm
want() { [[ " $PEERS " == *" $1 "* ]]; }
if want helm; then
# A go-installed helm reports only its minor version ("v3.21"): a stamp file records the pin.
if [ -x "$HELM" ] && [ "$(cat "$TOOLS/helm.version" 2>/dev/null)" = "$HELM_VERSION" ]; then
  log "helm $HELM_VERSION present"
else
  GO=$(command -v go || echo /usr/local/go/bin/go)
  [ -x "$GO" ] || die "helm is missing and there is no Go toolchain to install it"
  log "installing helm $HELM_VERSION with go install (takes minutes on 2 cores)"
  mkdir -p "$TOOLS"
  GOBIN=$TOOLS nice -n 10 "$GO" install -p 2 "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  echo "$HELM_VERSION" > "$TOOLS/helm.version"
fi
fi

if want cdk8s; then
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
  # npm ci from the pinned lock; the stamp skips it while the lock is unchanged.
  stamp=$CDK8S/node_modules/.strata-lock.sha1
  lock_sum=$(sha1sum "$CDK8S/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" = "$lock_sum" ]; then
    log "cdk8s present ($CDK8S/node_modules)"
  else
    log "installing cdk8s (npm ci, pinned by package-lock.json)"
    (cd "$CDK8S" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >&2)
    echo "$lock_sum" > "$stamp"
  fi
fi

command -v hyperfine >/dev/null || apt_install hyperfine || log "no hyperfine: using the Python timer"
[ -x /usr/bin/time ] || apt_install time
[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time) is missing"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Keep helm away from the user's config, cache and repositories.
export HELM_CONFIG_HOME=$WORK/helm/config HELM_CACHE_HOME=$WORK/helm/cache HELM_DATA_HOME=$WORK/helm/data

# --- inputs ----------------------------------------------------------------------
# N copies of examples/kafka/cluster.yaml ("events" in namespace data, 3 ZooKeeper
# members and 5 brokers with the same overrides), named events-0 .. events-(N-1):
# for strata N Cluster documents against the one App, for helm the same N entries
# in the chart's `clusters` list, so each tool renders all N in one process.
helm_entry() {  # the same cluster as a chart values entry
  cat <<EOF
- name: events-$1
  namespace: data
  labels: {team: analytics}
  zookeeper:
    members: 3
    resources: {requests: {cpu: "1", memory: 2Gi}, limits: {memory: 2Gi}}
    storage: {size: 20Gi}
    env: [{name: JVMFLAGS, value: "-Xmx1g"}]
    extraConfig: {maxClientCnxns: "60"}
  broker:
    members: 5
    storage: {size: 500Gi, storageClassName: fast-ssd}
    nodeSelector: {disk: ssd}
EOF
}

gen_inputs() {
  local n=$1 dir=$WORK/n$1 i
  mkdir -p "$dir"
  for ((i = 0; i < n; i++)); do
    cat <<EOF
---
apiVersion: strata.dev/v1
kind: Cluster
metadata:
  name: events-$i
  namespace: data
  labels: {team: analytics}
spec:
  app: kafka
  roles:
  - name: zookeeper
    members: 3
    resources: {requests: {cpu: "1", memory: 2Gi}, limits: {memory: 2Gi}}
    storage:
    - {name: data, size: 20Gi}
    env: [{name: JVMFLAGS, value: "-Xmx1g"}]
    config:
      /conf/zoo.cfg: {maxClientCnxns: "60"}
  - name: broker
    members: 5
    storage:
    - {name: data, size: 500Gi, storageClassName: fast-ssd}
    nodeSelector: {disk: ssd}
EOF
  done > "$dir/clusters.yaml"
  { echo "clusters:"; for ((i = 0; i < n; i++)); do helm_entry "$i"; done; } > "$dir/values.yaml"
  # One values file per cluster, for the one-release-per-cluster variant.
  for ((i = 0; i < n; i++)); do { echo "clusters:"; helm_entry "$i"; } > "$dir/values-$i.yaml"; done
}

# kind/namespace/name of every top-level object, ConfigMap hash suffixes removed
# (strata's is a hash of its own config encoding, the chart's a sha256 of its data).
object_names() {
  awk 'function flush() { if (kind != "") print kind, ns, name; kind = ns = name = ""; m = 0 }
       /^---/ { flush(); next }
       /^kind: / { kind = $2 }
       /^metadata:/ { m = 1; next }
       /^[^ #]/ { m = 0 }
       m && /^  name: / { name = $2 }
       m && /^  namespace: / { ns = $2 }
       END { flush() }' "$1" | sed -E 's/-config-[0-9a-f]{10}$/-config/' | sort
}

check_counts() {  # tool n file
  local tool=$1 n=$2 f=$3 kind want got
  for kind in StatefulSet:2 Service:4 ConfigMap:3 PodDisruptionBudget:2; do
    want=$((${kind#*:} * n))
    got=$(grep -c "^kind: ${kind%%:*}\$" "$f" || true)
    [ "$got" -eq "$want" ] || die "$tool, N=$n: $got ${kind%%:*} objects, expected $want"
  done
  got=$(grep -c '^kind: ' "$f")
  [ "$got" -eq $((PER_CLUSTER * n)) ] || die "$tool, N=$n: $got objects, expected $((PER_CLUSTER * n))"
}

# --- timing ----------------------------------------------------------------------
# time_cmd OUT.json CMD...: wall clock of CMD (stdout to /dev/null), hyperfine when present.
time_cmd() {
  local out=$1; shift
  if command -v hyperfine >/dev/null; then
    hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" --export-json "$out" -- "$(printf '%q ' "$@")" >/dev/null
  else
    python3 - "$out" "$WARMUP" "$RUNS" "$@" <<'PY'
import json, resource, statistics, subprocess, sys, time
out, warmup, runs, cmd = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
def once():
    t, r = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    q = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - t, q.ru_utime - r.ru_utime, q.ru_stime - r.ru_stime
for _ in range(warmup): once()
w, u, s = zip(*(once() for _ in range(runs)))
json.dump({"results": [{"command": " ".join(cmd), "mean": statistics.mean(w), "stddev": statistics.stdev(w),
                        "median": statistics.median(w), "min": min(w), "max": max(w), "times": w,
                        "user": statistics.mean(u), "system": statistics.mean(s)}]}, open(out, "w"))
PY
  fi
}

# max_rss CMD...: median over RSS_RUNS of GNU time's maximum resident set size, in KiB.
max_rss() {
  local i
  for ((i = 0; i < RSS_RUNS; i++)); do
    /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" >/dev/null
    cut -d' ' -f2 "$WORK/time.txt"
  done | sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'
}

# ms JSON FIELD: a timing result in milliseconds, one decimal; FIELD cpu = mean user + system.
ms() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; f=sys.argv[2]
print("%.1f" % (1e3 * (r["user"] + r["system"] if f == "cpu" else r[f])))' "$1" "$2"
}
mib() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", a/b}'; }

# inproc FILE KEY...: the median over the runs in FILE (one JSON line per run) of the sum
# of the KEYs, in ms, one decimal.
inproc() {
  python3 -c 'import json,statistics,sys
runs=[json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print("%.1f" % statistics.median(sum(r[k] for k in sys.argv[2:]) for r in runs))' "$@"
}
# times N FILE CMD...: run CMD N times (stdout to /dev/null), its stderr lines appended to FILE.
times() {
  local n=$1 f=$2 i; shift 2
  for ((i = 0; i < n; i++)); do "$@" 2>>"$f" >/dev/null; done
}

log "strata: $STRATA ($("$STRATA" --version 2>/dev/null | head -1))"
want helm && log "helm: $HELM_VERSION (a go-installed helm reports only \"$("$HELM" version --short 2>/dev/null)\")"
want cdk8s && log "cdk8s: $(cd "$CDK8S" && node -p 'const l=require("./package-lock.json").packages; ["cdk8s","cdk8s-plus-33","constructs"].map(p=>p+" "+l["node_modules/"+p].version).join(", ")') on node $(node --version)"
log "hyperfine: $(hyperfine --version 2>/dev/null || echo 'absent (Python timer)')"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- cdk8s ---------------------------------------------------------------------------
# kind/namespace/name of every object, without ConfigMap hash suffixes.
cdk8s_rows=()
cdk8s_inproc_rows=()
if want cdk8s; then
for n in $ROLES; do
  d=$WORK/roles$n
  python3 "$ROOT/bench/peers/gen_topology.py" "$n" "$d"
  s_cmd=("$STRATA" compile "$d/app.yaml" "$d/cluster.yaml")
  c_cmd=(node "$CDK8S/synth.js" "$n")
  "${s_cmd[@]}" > "$d/strata.yaml" || die "strata compile failed for $n roles"
  "${c_cmd[@]}" > "$d/cdk8s.yaml" || die "cdk8s synth failed for $n roles"
  for kind in ConfigMap:1 Service:2 StatefulSet:1 PodDisruptionBudget:1; do
    for tool in strata cdk8s; do
      got=$(grep -c "^kind: ${kind%%:*}\$" "$d/$tool.yaml" || true)
      [ "$got" -eq $((${kind#*:} * n)) ] || die "$tool, $n roles: $got ${kind%%:*} objects, expected $((${kind#*:} * n))"
    done
  done
  diff <(object_names "$d/strata.yaml") <(object_names "$d/cdk8s.yaml") >&2 || die "$n roles: the two disagree on object names (< strata, > cdk8s)"
  log "$n roles: both emit $((5 * n)) objects with the same kinds and names; timing"

  time_cmd "$d/strata.json" "${s_cmd[@]}"
  time_cmd "$d/cdk8s.json" "${c_cmd[@]}"
  rm -rf "$d/out"
  "${s_cmd[@]}" --out-dir "$d/out" || die "strata compile --out-dir failed for $n roles"
  [ "$(ls "$d/out" | wc -l)" -eq $((5 * n)) ] || die "$n roles: --out-dir wrote $(ls "$d/out" | wc -l) files"
  o_cmd=("${s_cmd[@]}" --out-dir "$d/out")
  # A missing DIR is the atomic-rename path, the common case: remove it before each run.
  if command -v hyperfine >/dev/null; then
    hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" --prepare "rm -rf $d/out" \
      --export-json "$d/outdir.json" -- "$(printf '%q ' "${o_cmd[@]}")" >/dev/null
  else
    time_cmd "$d/outdir.json" "${o_cmd[@]}"
  fi
  v_cmd=("$STRATA" validate "$d/app.yaml" "$d/cluster.yaml")
  time_cmd "$d/validate.json" "${v_cmd[@]}"
  s_rss=$(max_rss "${s_cmd[@]}")
  c_rss=$(max_rss "${c_cmd[@]}")
  cdk8s_rows+=("| $n | $((5 * n)) | $(ms "$d/strata.json" mean) ± $(ms "$d/strata.json" stddev) | $(ms "$d/cdk8s.json" mean) ± $(ms "$d/cdk8s.json" stddev) | $(ratio "$(ms "$d/cdk8s.json" mean)" "$(ms "$d/strata.json" mean)")× | $(ms "$d/strata.json" cpu) | $(ms "$d/cdk8s.json" cpu) | $(ratio "$(ms "$d/cdk8s.json" cpu)" "$(ms "$d/strata.json" cpu)")× | $(ms "$d/outdir.json" mean) | $(ratio "$(ms "$d/outdir.json" mean)" "$(ms "$d/strata.json" mean)")× | $(ms "$d/validate.json" mean) | $(mib "$s_rss") | $(mib "$c_rss") |")

  # In process: strata's load, compile + YAML; cdk8s' construct tree, synthYaml().
  times "$RUNS" "$d/strata.timings" "${s_cmd[@]}" --timings
  times "$RUNS" "$d/cdk8s.timings" "${c_cmd[@]}" --timings
  s_emit=$(inproc "$d/strata.timings" compile_emit_ms)
  s_emit_cpu=$(inproc "$d/strata.timings" compile_emit_cpu_ms)
  c_synth=$(inproc "$d/cdk8s.timings" construct_ms synth_ms)
  c_synth_cpu=$(inproc "$d/cdk8s.timings" construct_cpu_ms synth_cpu_ms)
  cdk8s_inproc_rows+=("| $n | $(inproc "$d/strata.timings" load_ms) | $s_emit | $s_emit_cpu | $(inproc "$d/cdk8s.timings" construct_ms) | $(inproc "$d/cdk8s.timings" synth_ms) | $c_synth_cpu | $(ratio "$c_synth" "$s_emit")× | $(ratio "$c_synth_cpu" "$s_emit_cpu")× |")
done
fi

# --- helm ------------------------------------------------------------------------------
rows=()
lint_rows=()
per_release=""
if want helm; then
for n in $SIZES; do
  gen_inputs "$n"
  d=$WORK/n$n
  s_cmd=("$STRATA" compile "$APP" "$d/clusters.yaml")
  h_cmd=("$HELM" template kafka "$CHART" -f "$d/values.yaml")
  "${s_cmd[@]}" > "$d/strata.yaml" || die "strata compile failed for N=$n"
  "${h_cmd[@]}" > "$d/helm.yaml" || die "helm template failed for N=$n"
  check_counts strata "$n" "$d/strata.yaml"
  check_counts helm "$n" "$d/helm.yaml"
  diff <(object_names "$d/strata.yaml") <(object_names "$d/helm.yaml") >&2 || die "N=$n: the two disagree on object names (< strata, > helm)"
  log "N=$n: both emit $((PER_CLUSTER * n)) objects with the same names; timing"
  if [ -z "${diffs_n:-}" ] && python3 -c 'import yaml' 2>/dev/null; then
    diffs=$(python3 "$ROOT/bench/peers/diff.py" "$d/strata.yaml" "$d/helm.yaml")
    diffs_n=$n
  fi

  time_cmd "$d/strata.json" "${s_cmd[@]}"
  time_cmd "$d/helm.json" "${h_cmd[@]}"
  s_rss=$(max_rss "${s_cmd[@]}")
  h_rss=$(max_rss "${h_cmd[@]}")
  kb() { awk -v b="$(wc -c < "$1")" 'BEGIN{printf "%.0f", b/1000}'; }
  # Peak RSS against the output it holds: strata's max RSS / its YAML size.
  per_out=$(awk -v r="$s_rss" -v b="$(wc -c < "$d/strata.yaml")" 'BEGIN{printf "%.1f", r*1024/b}')
  rows+=("| $n | $((PER_CLUSTER * n)) | $(kb "$d/strata.yaml") / $(kb "$d/helm.yaml") | $(ms "$d/strata.json" mean) ± $(ms "$d/strata.json" stddev) | $(ms "$d/helm.json" mean) ± $(ms "$d/helm.json" stddev) | $(ratio "$(ms "$d/helm.json" mean)" "$(ms "$d/strata.json" mean)")× | $(ms "$d/strata.json" cpu) | $(ms "$d/helm.json" cpu) | $(mib "$s_rss") | $(mib "$h_rss") | ${per_out}× |")

  if [ "$LINT" = 1 ]; then
    v_cmd=("$STRATA" validate "$APP" "$d/clusters.yaml")
    l_cmd=("$HELM" lint "$CHART" -f "$d/values.yaml")
    "${v_cmd[@]}" >/dev/null 2>&1 || die "strata validate failed for N=$n"
    "${l_cmd[@]}" >/dev/null 2>&1 || die "helm lint failed for N=$n"
    time_cmd "$d/validate.json" "${v_cmd[@]}"
    time_cmd "$d/lint.json" "${l_cmd[@]}"
    lint_rows+=("| $n | $(ms "$d/validate.json" mean) ± $(ms "$d/validate.json" stddev) | $(ms "$d/lint.json" mean) ± $(ms "$d/lint.json" stddev) | $(ms "$d/validate.json" cpu) | $(ms "$d/lint.json" cpu) | $(mib "$(max_rss "${v_cmd[@]}")") | $(mib "$(max_rss "${l_cmd[@]}")") |")
  fi
done

if ((PER_RELEASE_N > 0)); then
  n=$PER_RELEASE_N
  [ -d "$WORK/n$n" ] || gen_inputs "$n"
  d=$WORK/n$n
  # helm as usually run: one release (one process) per cluster.
  cat > "$d/per-release.sh" <<EOF
#!/bin/sh
set -e
i=0
while [ \$i -lt $n ]; do
  "$HELM" template events-\$i "$CHART" -f "$d/values-\$i.yaml"
  i=\$((i + 1))
done
EOF
  chmod +x "$d/per-release.sh"
  "$d/per-release.sh" > "$d/per-release.yaml"
  check_counts "helm (one release per cluster)" "$n" "$d/per-release.yaml"
  time_cmd "$d/per-release.json" "$d/per-release.sh"
  per_release="helm, one \`helm template\` per cluster, N=$n: $(ms "$d/per-release.json" mean) ± $(ms "$d/per-release.json" stddev) ms in total"
fi
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "Wall clock mean ± σ over $RUNS runs after $WARMUP warm-up runs, CPU = mean user + system time of the"
echo "same runs; max RSS median of $RSS_RUNS runs under /usr/bin/time; in-process figures are medians of $RUNS runs."
echo "$(nproc) cores; load average $load_before before, $load_after after."
if ((${#cdk8s_rows[@]})); then
  echo
  echo "strata compile vs node synth.js (cdk8s), one App of N roles, 5 objects per role:"
  echo
  echo "| roles | objects | strata wall ms | cdk8s wall ms | cdk8s / strata | strata CPU ms | cdk8s CPU ms | CPU cdk8s / strata | strata --out-dir wall ms | --out-dir / stdout | strata validate wall ms | strata max RSS MiB | cdk8s max RSS MiB |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${cdk8s_rows[@]}"
  echo
  echo "In process (from inside each tool): strata load (read, parse, validate, resolve) and compile + YAML"
  echo "(compile_emit, wall and CPU of all threads); cdk8s building the construct tree and app.synthYaml()."
  echo "Ratios compare strata's compile + YAML with cdk8s' construct + synthYaml (wall, CPU)."
  echo
  echo "| roles | strata load ms | strata compile + YAML ms | its CPU ms | cdk8s construct ms | cdk8s synthYaml ms | their CPU ms | cdk8s / strata | CPU cdk8s / strata |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${cdk8s_inproc_rows[@]}"
fi
if ((${#rows[@]})); then
echo
echo "strata compile vs helm template (helm $HELM_VERSION), one process each, all N clusters in one invocation;"
echo "RSS / output = strata's max RSS over the size of the YAML it writes."
echo
echo "| clusters | objects | YAML kB strata / helm | strata wall ms | helm wall ms | helm / strata | strata CPU ms | helm CPU ms | strata max RSS MiB | helm max RSS MiB | strata RSS / output |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
fi
if ((${#lint_rows[@]})); then
  echo
  echo "| clusters | strata validate wall ms | helm lint wall ms | strata validate CPU ms | helm lint CPU ms | strata validate max RSS MiB | helm lint max RSS MiB |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${lint_rows[@]}"
fi
if [ -n "$per_release" ]; then
  echo
  echo "$per_release"
fi
if [ -n "${diffs:-}" ]; then
  echo
  echo "Fields that differ at N=$diffs_n (bench/peers/diff.py; hash values compared by presence only):"
  echo
  echo '```'
  echo "$diffs"
  echo '```'
fi
