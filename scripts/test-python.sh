#!/usr/bin/env bash
# Lints and tests the Python client (clients/python) in its venv, making the venv first if it
# is missing (scripts/python-env.sh). The tests judge traces with the TypeScript CLI, so run
# `npm ci` before (npm test and .ci/run do).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$(bash "$root/scripts/python-env.sh")"
cd "$root/clients/python"
"$venv/bin/ruff" check src tests ../../bench/pyclient ../../bench/pyfaults
# Two cores, shared with the TypeScript suite: one thread each for torch and TensorFlow.
export OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 TF_CPP_MIN_LOG_LEVEL=3
exec "$venv/bin/python" -m pytest -p no:cacheprovider "$@"
