"""Runs a function when a module is imported (or now, if it already is), without importing it."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any, Callable, Optional

Hook = Callable[[ModuleType], None]
_hooks: dict[str, list[Hook]] = {}
_busy = threading.local()


class _PostImportFinder(importlib.abc.MetaPathFinder):
    """Finds hooked modules through the other finders and wraps their loader's `exec_module`."""

    def find_spec(
        self, fullname: str, path: Optional[Sequence[str]], target: Optional[ModuleType] = None
    ) -> Optional[importlib.machinery.ModuleSpec]:
        if fullname not in _hooks or getattr(_busy, fullname.replace(".", "_"), False):
            return None
        setattr(_busy, fullname.replace(".", "_"), True)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            setattr(_busy, fullname.replace(".", "_"), False)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        loader: Any = spec.loader
        original = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original(module)
            _run_hooks(fullname, module)

        loader.exec_module = exec_module
        return spec


def _run_hooks(name: str, module: ModuleType) -> None:
    for hook in _hooks.pop(name, []):
        try:
            hook(module)
        except Exception as err:  # a failed integration must not break the user's import
            print(f"traindx: could not hook into {name}: {err!r}", file=sys.stderr)


_finder = _PostImportFinder()


def when_imported(name: str, hook: Hook) -> None:
    """Calls `hook(module)` once `name` is imported; at once if it already is."""
    module = sys.modules.get(name)
    if module is not None:
        _hooks.setdefault(name, []).append(hook)
        _run_hooks(name, module)
        return
    _hooks.setdefault(name, []).append(hook)
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
