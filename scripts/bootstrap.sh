#!/usr/bin/env bash
# Creates .venv with the Lambda runtime's Python (3.13) and installs the project with its dev tools.
# sam build needs a python3.13 on PATH to build without Docker; the venv's bin provides it.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

find_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  if command -v pyenv >/dev/null 2>&1; then
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.13(\.|$)' | sort -V -r); do
      echo "$(pyenv root)/versions/$v/bin/python3.13"; return
    done
  fi
  for candidate in python3.13 /usr/local/bin/python3.13 /usr/bin/python3.13; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null; then
      echo "$candidate"; return
    fi
  done
  return 1
}

if [ ! -x "$VENV/bin/python3.13" ]; then
  py=$(find_python) || { echo "Python 3.13 (the Lambda runtime in template.yaml) is required: install it (e.g. 'pyenv install 3.13') or set PYTHON=/path/to/python3.13" >&2; exit 1; }
  echo "Creating $VENV with $py"
  "$py" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev]"

# checkov in a venv of its own (pyproject.toml [dependency-groups] scan says why); `make scan` runs it.
TOOLS="$VENV/tools/checkov"
[ -x "$TOOLS/bin/python" ] || "$VENV/bin/python" -m venv "$TOOLS"
"$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check --group scan
