#!/usr/bin/env bash
# Installs what the quick-start commands need on a fresh machine that has only Node 20:
# - Debian packages for the runtime's real services and native build: redis-server and
#   redis-benchmark, librdkafka-dev (the Kafka mock cluster and its headers), kcat, promtool
#   (Debian's prometheus package: the alert-rule tests), a C/C++
#   toolchain and python3 for node-gyp (skipped when already there);
# - the npm packages pinned in package-lock.json (once per lock file change), building
#   @confluentinc/kafka-javascript from source (no prebuilt binary can be fetched here);
# - the runtime's mock-cluster launcher, compiled against librdkafka.
# Idempotent, and fast when everything is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v redis-benchmark >/dev/null || need+=(redis-tools)
[ -f /usr/include/librdkafka/rdkafka_mock.h ] || need+=(librdkafka-dev)
command -v kcat >/dev/null || need+=(kcat)
{ command -v gcc && command -v g++ && command -v make; } >/dev/null || need+=(build-essential)
command -v python3 >/dev/null || need+=(python3)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v promtool >/dev/null || need+=(prometheus)
if [ "${#need[@]}" -gt 0 ]; then
  echo "seawall: installing Debian packages: ${need[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

# @confluentinc/kafka-javascript: build from source, linking librdkafka dynamically.
export CKJS_LINKING=dynamic
export npm_config_build_from_source=true

stamp=node_modules/.seawall-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "seawall: installing npm packages from package-lock.json" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$want" > "$stamp"
fi

# npm may skip dependencies' install scripts (allowScripts); build the Kafka addon explicitly then.
ckjs=node_modules/@confluentinc/kafka-javascript
if [ -d "$ckjs" ] && [ ! -f "$ckjs/build/Release/confluent-kafka-javascript.node" ]; then
  echo "seawall: building @confluentinc/kafka-javascript from source (2-3 minutes)" >&2
  gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  nodedir=()
  [ -f /usr/include/node/node.h ] && nodedir=(--nodedir=/usr)
  (cd "$ckjs" && node "$gyp" rebuild "${nodedir[@]}" --loglevel=error) >&2
fi

# The runtime's Kafka mock-cluster launcher (tests, local run, benchmark).
launcher=runtime/.build/mock-cluster
if [ ! -x "$launcher" ] || [ runtime/native/mock-cluster.c -nt "$launcher" ]; then
  mkdir -p runtime/.build
  gcc -O2 -Wall -o "$launcher" runtime/native/mock-cluster.c -lrdkafka
fi
