#!/usr/bin/env bash
# Builds etcd, kube-apiserver, kube-controller-manager and kube-scheduler from
# the Go modules pinned in tests/k8s/go.mod, and kwok from tests/k8s/kwok/go.mod
# (a module of its own), into a cache directory, and prints that directory.
# Only what is missing is built. Beside kwok goes its Exec CRD, copied from
# the kwok module (the harness installs it).
#
#   tests/k8s/build.sh            # build if missing, print the bin dir on stdout
#   STRATA_K8S_BIN_DIR=/x/bin tests/k8s/build.sh
#   tests/k8s/build.sh --force    # rebuild even if the binaries are there
#   tests/k8s/build.sh --print-dir  # print the bin dir, build nothing
#
# The default directory carries the Kubernetes version, so bumping go.mod
# builds into a new directory instead of reusing stale binaries. The Go build
# and module caches stay where `go env` puts them, so a rebuild after a bump
# recompiles only what changed. Progress goes to stderr; stdout is the bin dir
# only, so callers can do BIN=$(tests/k8s/build.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
force=0
print_only=0
case "${1:-}" in
  --force) force=1 ;;
  --print-dir) print_only=1 ;;
  "") ;;
  *) echo "usage: $0 [--force|--print-dir]" >&2; exit 2 ;;
esac

k8s_version="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v1\./ {print $2; exit}' "$here/go.mod")"
etcd_version="$(awk '$1 == "go.etcd.io/etcd/server/v3" && $2 ~ /^v3\./ {print $2; exit}' "$here/go.mod")"
if [[ -z "$k8s_version" || -z "$etcd_version" ]]; then
  echo "build.sh: cannot read the k8s.io/kubernetes or etcd version from $here/go.mod" >&2
  exit 1
fi
bin_dir="${STRATA_K8S_BIN_DIR:-$HOME/.cache/strata/k8s-$k8s_version/bin}"
kwok_version="$(awk '$1 == "sigs.k8s.io/kwok" && $2 ~ /^v/ {print $2; exit}' "$here/kwok/go.mod")"
if [[ -z "$kwok_version" ]]; then
  echo "build.sh: cannot read the sigs.k8s.io/kwok version from $here/kwok/go.mod" >&2
  exit 1
fi
bins=(etcd kube-apiserver kube-controller-manager kube-scheduler)
# main package of each k8s binary
declare -A pkgs=(
  [etcd]=go.etcd.io/etcd/server/v3
  [kube-apiserver]=k8s.io/kubernetes/cmd/kube-apiserver
  [kube-controller-manager]=k8s.io/kubernetes/cmd/kube-controller-manager
  [kube-scheduler]=k8s.io/kubernetes/cmd/kube-scheduler
)
kwok_crd=kwok-crds/kwok.x-k8s.io_execs.yaml
if [[ $print_only == 1 ]]; then
  echo "$bin_dir"
  exit 0
fi

missing=()
for b in "${bins[@]}"; do
  [[ -x "$bin_dir/$b" && $force == 0 ]] || missing+=("$b")
done
# kwok is stamped with its version: a bump in kwok/go.mod rebuilds it.
need_kwok=0
if [[ $force == 1 || ! -x "$bin_dir/kwok" || ! -f "$bin_dir/$kwok_crd" ||
      "$(cat "$bin_dir/kwok.version" 2>/dev/null)" != "$kwok_version" ]]; then
  need_kwok=1
fi
if ((${#missing[@]} == 0)) && [[ $need_kwok == 0 ]]; then
  echo "build.sh: reusing $bin_dir (k8s $k8s_version, etcd $etcd_version, kwok $kwok_version)" >&2
  echo "$bin_dir"
  exit 0
fi

if ! command -v go >/dev/null; then
  echo "build.sh: go is not on PATH; it is needed to build the control plane" >&2
  exit 1
fi

# Version stamps, as upstream's hack/lib/version.sh sets them: without them the
# binaries report v0.0.0 and the apiserver's /version is useless to kubectl.
minor="${k8s_version#v1.}"
minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

mkdir -p "$bin_dir"
tmp="$(mktemp -d "$bin_dir/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

start=$(date +%s)
if ((${#missing[@]})); then
  echo "build.sh: building ${missing[*]} (k8s $k8s_version, etcd $etcd_version) into $bin_dir (takes a while on 2 cores)" >&2
  targets=()
  for b in "${missing[@]}"; do targets+=("${pkgs[$b]}"); done
  # One `go build` for all of them so shared packages compile once, in parallel.
  # CGO off as upstream builds these server binaries (static, no C toolchain).
  # GOFLAGS=-mod=mod would let go.mod drift; readonly insists on the committed sums;
  # -buildvcs=false: no git stamp (a CI clone may not let go run git on it).
  (
    cd "$here"
    CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" nice -n "${STRATA_K8S_NICE:-10}" \
      go build -trimpath -ldflags="$ldflags" -o "$tmp/" "${targets[@]}"
  )
  # go names a module-root main package after its last element before /vN.
  [[ -e "$tmp/server" ]] && mv "$tmp/server" "$tmp/etcd"
  for b in "${missing[@]}"; do
    mv -f "$tmp/$b" "$bin_dir/$b"
  done
fi
if [[ $need_kwok == 1 ]]; then
  echo "build.sh: building kwok $kwok_version into $bin_dir" >&2
  (
    cd "$here/kwok"
    CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" nice -n "${STRATA_K8S_NICE:-10}" \
      go build -trimpath -ldflags="-s -w" -o "$tmp/kwok" sigs.k8s.io/kwok/cmd/kwok
    # The Exec CRD ships in the kwok module; copy it from the module cache.
    moddir="$(GOFLAGS=-mod=readonly go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
    mkdir -p "$tmp/kwok-crds"
    cp "$moddir/kustomize/crd/bases/kwok.x-k8s.io_execs.yaml" "$tmp/kwok-crds/"
  )
  mkdir -p "$bin_dir/kwok-crds"
  mv -f "$tmp/kwok-crds/kwok.x-k8s.io_execs.yaml" "$bin_dir/$kwok_crd"
  mv -f "$tmp/kwok" "$bin_dir/kwok"
  echo "$kwok_version" > "$bin_dir/kwok.version"
fi
echo "build.sh: built in $(( $(date +%s) - start ))s" >&2
echo "$bin_dir"
