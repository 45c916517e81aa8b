#!/usr/bin/env bash
# Installs everything Rampart needs on a fresh Debian machine, then builds it. Safe to run again.
# Usage: scripts/setup.sh [--test]   (--test also installs what the test suite's real-tool oracles need)
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_loglevel=error npm_config_fund=false npm_config_audit=false

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    echo "setup: please install these Debian packages: ${missing[*]}" >&2
    return 1
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

node_major() { node -e 'console.log(process.versions.node.split(".")[0])' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 20 ]; then
  apt_install nodejs npm
  if [ "$(node_major)" -lt 20 ]; then
    echo "setup: Rampart needs Node.js 20 or newer; found $(node --version 2>/dev/null || echo none)" >&2
    exit 1
  fi
fi
command -v git >/dev/null || apt_install git

# Test oracles (real tools): the kernel's netfilter front ends, a raw packet sender, Capirca for the benchmark.
TEST_PACKAGES=(nftables iptables ipset iproute2 python3-scapy python3-capirca)
if [ "$want_test" = 1 ] && [ ${#TEST_PACKAGES[@]} -gt 0 ]; then apt_install "${TEST_PACKAGES[@]}"; fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-progress >&2
fi
npm run --silent build >&2
echo "setup: ready" >&2
