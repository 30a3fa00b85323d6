"""The first batch of a generator or a `keras.utils.PyDataset` given to `fit`, as Keras reads it.

A stream cannot be read ahead without consuming it (a generator) or running the user's
`__getitem__` once more (a PyDataset: its augmentation would draw from the RNG), and either
would change what the training sees. Keras itself reads the first batches of both: a generator's
adapter peeks at them to learn the data's shapes, and a PyDataset's adapter puts every batch
through `_standardize_batch` (on TensorFlow after fetching the first ones for their shapes).
Those reads are taken here, by reference, for the data facts and the activation probe
(callback.py): nothing is read that Keras does not read.

Keras' adapters are internal classes: a Keras without them leaves the streams without facts, as
before.
"""

from __future__ import annotations

import weakref
from typing import Any, Optional

from ..patching import wrap_method

# id(source) → (a weak reference to the source where it takes one, its first batch).
_first: dict[int, tuple[Optional[weakref.ref[Any]], Any]] = {}
_KEPT = 64  # sources remembered at most (a script making a generator per fit)


def first_batch(source: Any) -> Optional[Any]:
    """The first batch Keras read from `source` (a generator or PyDataset given to fit), or None."""
    known = _first.get(id(source))
    if known is None:
        return None
    ref, batch = known
    return batch if ref is None or ref() is source else None


def _record(source: Any, batch: Any) -> None:
    if first_batch(source) is not None:
        return
    try:
        ref: Optional[weakref.ref[Any]] = weakref.ref(source)
    except TypeError:
        ref = None
    if len(_first) >= _KEPT:
        _first.clear()
    _first[id(source)] = (ref, batch)


def install() -> None:
    """Wraps the two adapters' reads (once)."""
    try:
        from keras.src.trainers.data_adapters.generator_data_adapter import GeneratorDataAdapter
        from keras.src.trainers.data_adapters.py_dataset_adapter import PyDatasetAdapter
    except ImportError:
        return

    def generator_adapter(original: Any, adapter: Any, args: tuple, kwargs: dict) -> Any:
        original(adapter, *args, **kwargs)
        peeked = getattr(adapter, "_first_batches", None)
        source = args[0] if args else kwargs.get("generator")
        if peeked and source is not None:
            _record(source, peeked[0])

    def standardize(original: Any, adapter: Any, args: tuple, kwargs: dict) -> Any:
        batch = original(adapter, *args, **kwargs)
        if not getattr(adapter, "_traindx_seen", False):
            adapter._traindx_seen = True
            _record(adapter.py_dataset, batch)
        return batch

    wrap_method(GeneratorDataAdapter, "__init__", generator_adapter)
    wrap_method(PyDatasetAdapter, "_standardize_batch", standardize)
