#!/usr/bin/env bash
# Virtuoso Open Source 7 from Debian, for the read replica (docs/replica.md) and the tests that run on it.
# Non-interactive and idempotent: quick when `virtuoso-t` and `isql-vt` are there. The package's own
# system service is NOT started (nor enabled): migrakg starts instances of its own with the ini template
# migrakg/replica/virtuoso.ini.in, bound to 127.0.0.1, on a database folder of their own (`migrakg replica start`).
# Needs root (CI and developer machines run as root) or sudo.
set -euo pipefail

if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
  exit 0
fi

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# the package asks for the dba password of its system database; that database is never used by migrakg,
# each instance gets a fresh random password of its own
PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
printf '%s\n' \
  "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password $PASSWORD" \
  "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password $PASSWORD" \
  | $SUDO debconf-set-selections
# no service starts during the installation (policy-rc.d 101 = "action not allowed"), restored afterwards
POLICY=/usr/sbin/policy-rc.d
OWN_POLICY=0
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod +x "$POLICY"
  OWN_POLICY=1
fi
cleanup() { if [ "$OWN_POLICY" = 1 ]; then $SUDO rm -f "$POLICY"; fi; }
trap cleanup EXIT
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends virtuoso-opensource >/dev/null
# should a service have been started anyway (no policy-rc.d honoured), stop it: migrakg runs its own
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now virtuoso-opensource-7 >/dev/null 2>&1 || true
fi
command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null
