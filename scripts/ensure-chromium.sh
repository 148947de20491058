#!/usr/bin/env bash
# Debian's Chromium for the browser journeys (never a downloaded browser build).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "Installation de Chromium (paquet Debian)…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version
