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
# The browser tests drive Debian's Chromium (test/browser); a Chromium already at /usr/bin/chromium is used as is.
if [ "$want_test" = 1 ] && [ ! -x /usr/bin/chromium ]; then apt_install chromium; fi

# PostgreSQL for the store's contract suite (127.0.0.1:5432, trust auth, database "test"). A server that already
# answers is left alone; otherwise Debian's is installed, opened to local trust (a test machine only) and started.
pg_answers() {
  if command -v pg_isready >/dev/null; then pg_isready -q -h 127.0.0.1 -p 5432; else (: </dev/tcp/127.0.0.1/5432) 2>/dev/null; fi
}
if [ "$want_test" = 1 ] && ! pg_answers; then
  apt_install postgresql
  pg_sudo=""
  [ "$(id -u)" -ne 0 ] && pg_sudo=sudo
  pg_version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_hba=/etc/postgresql/$pg_version/main/pg_hba.conf
  if ! $pg_sudo grep -q '^host all all 127.0.0.1/32 trust' "$pg_hba"; then
    # Prepended (the first matching line wins), written in place so the file keeps its owner and mode.
    printf 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' |
      $pg_sudo sh -c "cat - '$pg_hba' > '$pg_hba.new' && cat '$pg_hba.new' > '$pg_hba' && rm '$pg_hba.new'"
  fi
  $pg_sudo pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start ||
    echo "setup: could not start PostgreSQL $pg_version; the PostgreSQL tests will be skipped" >&2
  for _ in 1 2 3 4 5 6 7 8 9 10; do pg_answers && break; sleep 1; done
  if pg_answers && ! psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname = 'test'" | grep -q 1; then
    psql -h 127.0.0.1 -U postgres -qc "create database test"
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-progress >&2
fi
# Builds the server (tsc) and the web console (vite, into dist/web).
npm run --silent build >&2
echo "setup: ready" >&2
