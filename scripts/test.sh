#!/usr/bin/env bash
# Runs every test of SessionAuth on a fresh Debian machine: installs what the tests need
# (redis-server, redis-cli for the Redis Cluster tests, chromium, postgresql, docker-compose, nginx, npm) with
# apt-get when it is missing, installs axe-core from npm for the browser tests, then runs `dotnet test` on the
# solution and ends with one line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

source scripts/install-missing.sh
install_missing redis-server:redis-server redis-tools:redis-cli chromium:/usr/bin/chromium
# The deploy files are checked by the tools that read them (Hosting/DeployFilesTests).
install_missing docker-compose:docker-compose nginx:/usr/sbin/nginx
# The accounts tests on PostgreSQL start their own server from Debian's package (tests/…/PostgresServer.cs).
install_missing 'postgresql:/usr/lib/postgresql/*/bin/initdb'
# The browser tests' accessibility check runs axe-core, pinned in tests/SessionAuth.Browser.Tests/axe/package-lock.json.
install_missing npm:npm
if ! npm ci --prefix tests/SessionAuth.Browser.Tests/axe --no-audit --no-fund --loglevel=error; then
  echo "Could not install axe-core for the accessibility tests: run \`npm ci --prefix tests/SessionAuth.Browser.Tests/axe\` (needs Node.js, npm and the npm registry)." >&2
  exit 1
fi

results="$(mktemp -d)"
# The browser tests' apps write their warnings and errors here (tests/SessionAuth.Browser.Tests/Infrastructure/AppLogFile.cs).
export SESSIONAUTH_TEST_APP_LOG="$results/browser-apps.log"
set +e
dotnet test SessionAuth.sln --configuration Release --logger trx --results-directory "$results" "$@"
status=$?
set -e

# Sum the counters of every test assembly's TRX report.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  value() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status before reporting a failed test (build or test host failure)."
  failed=1
fi
if [ "$failed" -ne 0 ] && [ -s "$SESSIONAUTH_TEST_APP_LOG" ]; then
  echo "--- The browser tests' apps' errors and 503s (all they logged at warning and above: $SESSIONAUTH_TEST_APP_LOG) ---"
  grep -A 3 -E ' (Error|Critical) |\[400[124]\] ' "$SESSIONAUTH_TEST_APP_LOG" | tail -n 60 || true
  echo "---"
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
