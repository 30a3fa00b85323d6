"""How a framework callback gets its run: given, made on demand (zero-code), or opened by it."""

from __future__ import annotations

from typing import Any, Callable, Optional

from .run import Run

RunFactory = Callable[[], Run]


class RunSource:
    """A run handed over, or made when training starts: by `factory` (the zero-code session) or
    by `traindx.init(**init_options)`. A run the callback made is finished by it at the end."""

    def __init__(
        self, run: Optional[Run], factory: Optional[RunFactory], init_options: dict[str, Any]
    ) -> None:
        self._run = run
        self._factory = factory
        self._init_options = init_options
        self.owned = run is None

    def get(self) -> Run:
        if self._run is None:
            if self._factory is not None:
                self._run = self._factory()
            else:
                from . import init

                self._run = init(**self._init_options)
        return self._run

    @property
    def current(self) -> Optional[Run]:
        return self._run
