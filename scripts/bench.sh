#!/usr/bin/env bash
# Runs the load benchmark of issue 3 (bench/SessionAuth.Bench) on a fresh Debian machine: installs
# what it needs (redis-server, wrk) with apt-get when it is missing, builds in Release, and runs it.
#   scripts/bench.sh           full run (under 10 minutes on 2 cores): prints the table and writes
#                              bench/results/latest.md
#   scripts/bench.sh --quick   smoke check (under a minute): exits non-zero unless an authenticated
#                              request costs exactly one Redis command and the cookie is <= 128 bytes
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

source scripts/install-missing.sh
install_missing redis-server:redis-server wrk:wrk

# Building the bench builds the app it starts (src/SessionAuth.Web) in Release too.
dotnet build bench/SessionAuth.Bench --configuration Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet bench/SessionAuth.Bench/bin/Release/net10.0/SessionAuth.Bench.dll "$@"
