#!/usr/bin/env bash
# Lints and tests the Python client (clients/python) in its venv, making the venv first if it
# is missing (scripts/python-env.sh). The tests judge traces with the TypeScript CLI, so run
# `npm ci` before (npm test and .ci/run do).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$(bash "$root/scripts/python-env.sh")"
cd "$root/clients/python"
"$venv/bin/ruff" check src tests ../../bench/pyclient ../../bench/pyfaults
# Python 3.9 is the oldest the client supports (ruff's target above checks the syntax and
# annotations of every file): where a 3.9 interpreter is at hand (PYTHON39, python3.9, pyenv's),
# every file must compile with it and the standard-library core must record runs.
py39=""
for candidate in "${PYTHON39:-}" python3.9 "$HOME"/.pyenv/versions/3.9*/bin/python3.9; do
  if [ -n "$candidate" ] && "$candidate" -c "" >/dev/null 2>&1; then py39="$candidate"; break; fi
done
if [ -n "$py39" ]; then
  PYTHONDONTWRITEBYTECODE=1 "$py39" tests/py39_core_smoke.py
else
  echo "test-python: no Python 3.9 here; its compatibility is checked by ruff's py39 target only" >&2
fi
# Two cores, shared with the TypeScript suite: one thread each for torch and TensorFlow.
export OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 TF_CPP_MIN_LOG_LEVEL=3
exec "$venv/bin/python" -m pytest -p no:cacheprovider "$@"
