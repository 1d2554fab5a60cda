#!/usr/bin/env bash
# Adds an EF Core migration of the accounts model for every provider (or the one named), each in
# its own folder: src/SessionAuth.Web/Accounts/Migrations/<Provider>.
#   bash scripts/add-migration.sh AddActivityLog            # both providers
#   bash scripts/add-migration.sh InitialAccounts Postgres  # one provider
# If a merge brings a migration made for one provider only (or for the old single context), delete
# its files and any change it made to a snapshot (git may apply it to a renamed file), then add it
# again here for both.
# Needs no database: the contexts' design-time factories (Accounts/AccountsDesignTimeFactories.cs)
# build them without the app's settings.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

name="${1:?usage: scripts/add-migration.sh NAME [Sqlite|Postgres]}"
providers=("${2:-Sqlite}")
[ $# -ge 2 ] || providers=(Sqlite Postgres)

dotnet tool restore >/dev/null
dotnet build src/SessionAuth.Web --configuration Debug -v q -nologo
for provider in "${providers[@]}"; do
  dotnet tool run dotnet-ef migrations add "$name" --no-build --configuration Debug \
    --project src/SessionAuth.Web --context "${provider}AccountsDbContext" \
    --output-dir "Accounts/Migrations/$provider" --namespace "SessionAuth.Web.Accounts.Migrations.$provider"
  # A provider's first migration writes its model snapshot to a folder named after the namespace.
  stray="src/SessionAuth.Web/SessionAuth/Web/Accounts/Migrations/$provider/${provider}AccountsDbContextModelSnapshot.cs"
  if [ -f "$stray" ]; then
    mv "$stray" "src/SessionAuth.Web/Accounts/Migrations/$provider/"
    rm -r src/SessionAuth.Web/SessionAuth
  fi
done
