#!/usr/bin/env bash
# Installs whatever strata needs that is missing, then builds it.
#
#   bash tools/setup.sh            # deps + C++ build (build/) + Python package
#
# Every step checks first and skips what is already there, so a repeat run
# takes seconds. Environment:
#   PYTHON        interpreter to use (default: python3 on PATH)
#   BUILD_DIR     CMake build directory (default: build)
#   STRATA_SKIP_PYTHON=1   skip the Python package install
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-python3}
# pip warns about running as root on every call; set-up runs as root by design.
export PIP_ROOT_USER_ACTION=ignore
BUILD_DIR=${BUILD_DIR:-build}

log() { printf '[setup] %s\n' "$*" >&2; }

# --- Debian packages -----------------------------------------------------------
APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git openssl graphviz
  libabsl-dev libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  libyaml-cpp-dev nlohmann-json3-dev libkainjow-mustache-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev pybind11-dev
  libmimalloc-dev libsimdjson-dev
  # The Kubernetes client (lib/kube/client): Boost.Beast/Asio (headers only)
  # for HTTP/1.1 and WebSocket, OpenSSL for TLS.
  libboost1.74-dev libssl-dev
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "Debian packages present"
fi

# --- Python packages -----------------------------------------------------------
if compgen -G "tests/python/requirements*.txt" >/dev/null; then
  stamp="$ROOT/$BUILD_DIR/.pip-requirements.sha1"
  want=$(cat tests/python/requirements*.txt | sha1sum | cut -d' ' -f1)-$($PYTHON -c 'import sys; print(sys.executable)' | sha1sum | cut -c1-8)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing Python test requirements"
    for f in tests/python/requirements*.txt; do $PYTHON -m pip install -q -r "$f"; done
    mkdir -p "$BUILD_DIR" && echo "$want" > "$stamp"
  else
    log "Python requirements present"
  fi
fi

# --- C++ build -------------------------------------------------------------------
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  log "configuring $BUILD_DIR"
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
log "building $BUILD_DIR"
ninja -C "$BUILD_DIR" | grep -v '^\[' || true
ninja -C "$BUILD_DIR" >/dev/null  # fails loudly if the build is broken

# --- Python package ------------------------------------------------------------------
if [ "${STRATA_SKIP_PYTHON:-0}" != 1 ] && [ -f pyproject.toml ]; then
  stamp="$ROOT/$BUILD_DIR/.pip-install.sha1"
  want=$(git ls-files -co --exclude-standard -- include lib proto bindings pyproject.toml CMakeLists.txt cmake 2>/dev/null \
         | sort | xargs sha1sum 2>/dev/null | sha1sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! (cd /tmp && $PYTHON -c 'import strata' 2>/dev/null); then
    log "installing the strata Python package (pip install --no-build-isolation .)"
    # No build isolation: a fresh isolated env per run makes scikit-build-core
    # wipe build/python and recompile the whole core (see the requirements file).
    $PYTHON -m pip install -q -r bindings/python/requirements-build.txt
    $PYTHON -m pip install -q --no-build-isolation .
    echo "$want" > "$stamp"
  else
    log "Python package up to date"
  fi
fi
log "done"
