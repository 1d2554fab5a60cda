#!/usr/bin/env bash
# Sourced by scripts/test.sh and scripts/bench.sh: installs with apt-get each Debian package whose
# program is missing. Arguments are "package:program" pairs, e.g. redis-server:redis-server; the
# program may be a path pattern for programs off PATH, e.g. 'postgresql:/usr/lib/postgresql/*/bin/initdb'.
install_missing() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair#*:}" >/dev/null 2>&1 || [ -x "${pair#*:}" ] || compgen -G "${pair#*:}" >/dev/null || missing+=("${pair%%:*}")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "Installing ${missing[*]} with apt-get ..."
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}
