#!/usr/bin/env bash
# Creates clients/python/.venv once (and updates it when clients/python/pyproject.toml
# changes) with the traindx Python client installed editable and its test
# extras (torch CPU, tensorflow-cpu + Keras 3, Lightning, transformers, pytest,
# ruff). Quiet and quick when the venv is already there. Prints the venv path.
#
# Where this machine has a local package index (/opt/pypi, /opt/wheels) it is
# used alone, so an unreachable default index is never tried; elsewhere pip's
# normal index is used.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pkg="$root/clients/python"
venv="$pkg/.venv"
stamp="$venv/.traindx-env"
want="$(sha256sum "$pkg/pyproject.toml" | cut -c1-16)"

ready() { [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; }
if ready; then echo "$venv"; exit 0; fi

# One creator at a time (CI and a developer's shell may both ask).
exec 9>"$pkg/.venv.lock"
flock 9
if ready; then echo "$venv"; exit 0; fi

python="${PYTHON:-}"
if [ -z "$python" ]; then
  for candidate in python3.11 python3.12 python3.10 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python="$candidate"; break; fi
  done
fi
[ -n "$python" ] || { echo "python-env: no python3 found" >&2; exit 1; }

pip_args=(--quiet --disable-pip-version-check)
if [ -d /opt/pypi/simple ]; then
  pip_args+=(--index-url file:///opt/pypi/simple)
  [ -d /opt/pypi-more/simple ] && pip_args+=(--extra-index-url file:///opt/pypi-more/simple)
  [ -d /opt/wheels ] && pip_args+=(--find-links /opt/wheels)
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "python-env: installing into $venv (one time, a few minutes)" >&2
{
  # A changed pyproject.toml updates the venv in place; a broken or missing one is made anew.
  if ! "$venv/bin/python" -c "" >/dev/null 2>&1; then
    rm -rf "$venv"
    "$python" -m venv "$venv"
  fi
  # A CPU build of torch shipped beside the index is preferred to the
  # index's default (CUDA) build: a tenth of the download, same API.
  cpu_torch="$(ls /opt/wheels/torch-*+cpu-*.whl 2>/dev/null | sort -V | tail -n1 || true)"
  if [ -n "$cpu_torch" ]; then "$venv/bin/pip" install "${pip_args[@]}" "$cpu_torch"; fi
  "$venv/bin/pip" install "${pip_args[@]}" -e "$pkg[test]"
} >"$log" 2>&1 || { cat "$log" >&2; echo "python-env: failed" >&2; exit 1; }
echo "$want" >"$stamp"
echo "$venv"
