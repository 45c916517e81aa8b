#!/usr/bin/env bash
# Runs every check and test, and ends with the line "N passed, N failed" (static checks count as one test each).
set -uo pipefail
cd "$(dirname "$0")/.."
export npm_config_loglevel=error
# Real-tool oracles (nft, iptables-restore, namespaces, scapy) must run here; a missing one fails its tests,
# and a missing golden file is an error rather than being written.
export RAMPART_REQUIRE_ORACLES=1
mkdir -p test-results
passed=0
failed=0
check() {
  local name=$1; shift
  echo "== $name" >&2
  if "$@"; then passed=$((passed + 1)); else echo "FAILED: $name" >&2; failed=$((failed + 1)); fi
}
check typecheck npx tsc -p tsconfig.json --noEmit
check typecheck-web npx tsc -p web/tsconfig.json --noEmit
check eslint npx eslint .
check prettier npx prettier --check . --log-level warn
check boundaries node scripts/check-boundaries.mjs
check build npm run --silent build

echo "== vitest" >&2
rm -f test-results/vitest.json
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
vitest_rc=$?
if [ -f test-results/vitest.json ]; then
  read -r vp vf < <(node -e '
    const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
    const suiteFailures = r.testResults.filter((t) => t.status === "failed" && t.assertionResults.length === 0).length;
    console.log(r.numPassedTests, r.numFailedTests + suiteFailures);')
  passed=$((passed + vp))
  failed=$((failed + vf))
  [ "$vitest_rc" -ne 0 ] && [ "$vf" -eq 0 ] && failed=$((failed + 1))
else
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
