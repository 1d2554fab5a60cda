#!/usr/bin/env bash
# Runs the load benchmark (bench/SessionAuth.Bench; method and options in bench/README.md) on a fresh
# Debian machine: installs what it needs (redis-server, wrk) with apt-get when it is missing, builds
# in Release, and runs it.
#   scripts/bench.sh           full run (about 10 minutes on 2 cores): prints the tables and writes
#                              bench/results/latest.md; with the Node peers of bench/peers when node (20+)
#                              is on PATH (it runs npm ci for them; --no-peers leaves them out)
#   scripts/bench.sh --quick   smoke check (under a minute on a quiet machine): exits non-zero unless an
#                              authenticated request costs exactly one Redis command on the probe and on
#                              /Dashboard, the cookie is <= 128 bytes and sign-out revokes the session
#   scripts/bench.sh --compare [--variant "NAME=VALUE ..."]
#                              /Dashboard against the Node peers only (3 rounds of 8 s, about 4 minutes):
#                              req/s, CPU us per request of each server and Redis commands per request
#   scripts/bench.sh --profile [--mode MODE] [--page PATH] [--seconds N]
#                              where a page's time goes (default /Dashboard, server-session): dotnet-counters
#                              and a dotnet-trace CPU sample under load, about a minute; writes
#                              bench/results/profile.md and the trace under artifacts/bench-profile/
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

source scripts/install-missing.sh
install_missing redis-server:redis-server wrk:wrk

for arg in "$@"; do
  if [ "$arg" = "--profile" ]; then
    # dotnet-trace and dotnet-counters: the local tools of dotnet-tools.json.
    dotnet tool restore >/dev/null
  fi
done

# Building the bench builds the app it hosts (src/SessionAuth.Web) in Release too.
dotnet build bench/SessionAuth.Bench --configuration Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet bench/SessionAuth.Bench/bin/Release/net10.0/SessionAuth.Bench.dll "$@"
