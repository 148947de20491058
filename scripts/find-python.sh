#!/bin/sh
# Prints the path of a Python >= 3.12 (Django 6 needs it). Looks at the usual
# names on PATH first, then at pyenv's installed versions (pyenv shims refuse
# versions that are not selected, so the real binaries are used directly).
for candidate in python3.14 python3.13 python3.12 python3; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    echo "$path"; exit 0
  fi
done
for path in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
  [ -x "$path" ] || continue
  if "$path" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    echo "$path"; exit 0
  fi
done
echo "Hémicycle a besoin de Python 3.12 ou plus récent (introuvable sur cette machine)." >&2
exit 1
