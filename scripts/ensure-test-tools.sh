#!/usr/bin/env bash
# Debian's command-line validators the tests run on real outputs (never downloaded builds):
# poppler-utils for `pdfsig`, which checks the PAdES signatures of signed acts.
set -euo pipefail
if ! command -v pdfsig >/dev/null 2>&1; then
  echo "Installation de poppler-utils (paquet Debian, pour pdfsig)…"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq poppler-utils >/dev/null
fi
pdfsig -v 2>&1 | head -1
