#!/usr/bin/env bash
# Installs what Basalt needs when it is missing: Debian's verilator, iverilog
# and ccache (apt-get, as root), and the npm packages (npm ci). Idempotent and
# quiet when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
# g++ and make: Verilator compiles its models with them (Debian's verilator does not depend on them).
for tool in verilator iverilog ccache g++ make; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
# zlib headers: Verilator's FST waveform writer (basalt run --trace FILE.fst) links zlib.
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing ${missing[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: missing ${missing[*]}; install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# npm ci when node_modules is absent or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
