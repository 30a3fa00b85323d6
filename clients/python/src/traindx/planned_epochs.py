"""The planned number of epochs of a hand-written training loop, read from the loop itself.

A plain PyTorch loop (or a Keras `train_on_batch` loop) says how many epochs it will run only in
its own code: `for epoch in range(args.epochs):` around the loop over batches. The diagnosis
needs that number to tell a run that stopped early from one that used its whole budget (an
underfit model after all its epochs is short of capacity; after a tenth of them it may only be
short of time). The run's event is written at its first step, before any epoch has ended, so
the number is read then, from the running script:

- the stack of the call that steps the optimizer is walked outward through the script's own
  frames (not the frameworks', not the standard library's);
- each frame's source is parsed once, and the loops that enclose the line it is running are
  listed, innermost first;
- the innermost loop is the loop over batches; the next `for ... in range(...)` outward (across
  frames: `for epoch in range(n): train_one_epoch(...)`) is the loop over epochs, possibly with
  other loops in between (`for phase in ("train", "val")`). A loop over steps with no loop inside
  it (`for it in range(max_iters)`) has no epoch loop around it: nothing is read;
- its `range` arguments are evaluated in that frame with a small evaluator: names, attributes,
  subscripts with constant keys, integer arithmetic and `int()`; no call of the script's
  functions (an attribute that is a property runs its getter, as the loop's own read did, and
  an error there costs only this fact). `tqdm(range(n))` and `trange(n)` are read as
  `range(n)`.

Anything else (a `while` loop, epochs from a list, an expression the evaluator refuses) gives
None: the run then has no planned epochs, as before. A Keras `fit(epochs=1)` called once per
epoch has its loop read by `epochs_of_fit_loop` (the batches are iterated inside Keras there).
What is read is the loop's actual bound in this process, not a guess from names.
"""

from __future__ import annotations

import ast
import functools
import operator
import os
import sys
import sysconfig
from types import FrameType
from typing import Any, Callable, Optional

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_OPERATORS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
}
_PACKAGE = os.path.dirname(os.path.abspath(__file__))


class _Refused(Exception):
    """An expression the evaluator does not evaluate."""


def planned_epochs(frame: Optional[FrameType] = None) -> Optional[int]:
    """The length of the `range` the epoch loop around the current training step iterates, or
    None. `frame`: where to start the walk (default: the caller's)."""
    return read_epoch_loop(frame if frame is not None else sys._getframe(1))[0]


def read_epoch_loop(
    frame: Optional[FrameType] = None, full_batch: bool = False
) -> tuple[Optional[int], Optional[EpochCounter]]:
    """What the epoch loop around the current training step tells, from one walk of the frames:
    its planned length (`planned_epochs`) and the counter of its variable (`EpochCounter`), each
    None when it cannot be read. `frame`: where to start the walk (default: the caller's).
    `full_batch`: each step trains on the whole training set (`same_each_pass`), so the
    innermost loop around it is the loop over epochs."""
    try:
        found = epoch_loop(frame if frame is not None else sys._getframe(1), full_batch)
        if found is None:
            return None, None
        loop_frame, loop = found
        counter = None
        if isinstance(loop.target, ast.Name):
            counter = EpochCounter(loop_frame, loop.target.id)
            if not isinstance(counter.value, int):
                counter = None
        return _range_length(loop.iter, loop_frame), counter
    except Exception:  # an odd frame or source costs the run these facts, never its training
        return None, None


def epoch_loop(frame: Optional[FrameType], full_batch: bool = False) -> Optional[tuple[FrameType, ast.For]]:
    """The epoch loop around the training step running in `frame` (or a frame it was called
    from), with the frame that runs it: the first `for ... in range(...)` outward of the loop
    over batches (see the module's docstring), or None (a `while` loop comes first, or none).
    With `full_batch` there is no loop over batches: the first loop outward is the epochs'."""
    inner_seen = full_batch
    while frame is not None:
        if is_script(frame.f_code.co_filename):
            for loop in _enclosing_loops(frame.f_code.co_filename, frame.f_code.co_name, frame.f_lineno):
                if not inner_seen:
                    inner_seen = True  # the loop over batches (or steps)
                    continue
                if isinstance(loop, ast.While):
                    return None  # epochs counted by hand: no bound to read
                if isinstance(loop, ast.For) and _is_range_call(loop.iter):
                    return frame, loop
        frame = frame.f_back
    return None


def same_each_pass(value: Any, frame: Optional[FrameType]) -> bool:
    """Whether `value` (the first training batch) is bound, in the first script frame outward
    from `frame` that runs a loop around its current line, to a name that loop never binds
    (its target, its body): the same object is trained on in every pass, the whole training
    set each step (`for epoch in range(n): loss = criterion(model(X_train), y_train)`). A
    batch sliced or drawn in the loop (`xb = x[idx]`, `for xb, yb in batches`, `model(x[i:j])`)
    is bound there by the loop, or to no name."""
    try:
        while frame is not None:
            code = frame.f_code
            if is_script(code.co_filename):
                loops = _enclosing_loops(code.co_filename, code.co_name, frame.f_lineno)
                if loops:
                    return _held_through(loops[0], frame, value)
            frame = frame.f_back
    except Exception:  # an odd frame or source: no claim
        pass
    return False


def _held_through(loop: ast.AST, frame: FrameType, value: Any) -> bool:
    """Whether `frame` holds `value` under names, none of which `loop` binds: the same object in
    every pass of the loop."""
    names = [name for name, bound in frame.f_locals.items() if _same(bound, value)]
    assigned = _assigned(loop)
    return bool(names) and all(name not in assigned for name in names)


def _same(bound: Any, value: Any) -> bool:
    """`bound` is `value`, or the same tensor seen through another Python object (what a module
    hook received, detached: the same memory, shape and strides)."""
    if bound is value:
        return True
    try:
        return (
            type(bound).__name__ in ("Tensor", "Parameter")
            and type(value).__name__ == "Tensor"
            and bound.data_ptr() == value.data_ptr()
            and bound.shape == value.shape
            and bound.stride() == value.stride()
            and bound.dtype == value.dtype
            and bound.device == value.device
        )
    except Exception:
        return False


class EpochCounter:
    """The epoch loop's variable (`epoch` in `for epoch in range(n)`), read where the loop runs:
    where no DataLoader reaching its end marks the epochs (batches sliced from tensors by hand),
    the variable moving on does. Read once per training step: one dictionary lookup in the
    frame's locals (a function's locals are copied into that dictionary by the read, a few
    dozen names)."""

    def __init__(self, frame: FrameType, name: str) -> None:
        self.frame: Optional[FrameType] = frame
        self.name = name
        self.value = self._read()

    def _read(self) -> Any:
        return self.frame.f_locals.get(self.name) if self.frame is not None else None

    def moved_on(self) -> bool:
        """Whether the loop has begun another pass since the last call. A value that is no
        longer an int (the name rebound by the script) ends the counting."""
        value = self._read()
        if value == self.value:
            return False
        if not isinstance(value, int):
            self.release()
            return False
        self.value = value
        return True

    def release(self) -> None:
        """Lets go of the frame (and so of the locals it holds)."""
        self.frame = None


def epochs_of_fit_loop(frame: Optional[FrameType] = None, model: Any = None) -> Optional[int]:
    """The length of the `range` a `model.fit(..., epochs=1)` call is looped over, once per epoch
    (`for epoch in range(n): model.fit(x, y, epochs=1)`), or None. Read only where the loop is
    plainly one over epochs: the innermost loop around the call, in the frame that makes it,
    iterates a range, and its body never assigns the name the model is called through (a loop
    that builds a model each time is over folds or trials, not epochs). With `model` (the object
    fitted), a call made in a function without a loop of its own (`def train_one_epoch(model):
    model.fit(...)`) is read at the function's caller: the innermost loop around that call
    iterates a range, and the caller holds `model` under names that loop never binds."""
    try:
        frame = first_script_frame(frame if frame is not None else sys._getframe(1))
        if frame is None:
            return None
        code = frame.f_code
        loops = _enclosing_loops(code.co_filename, code.co_name, frame.f_lineno)
        if not loops and model is not None:
            return _helper_loop_epochs(frame, model)
        if not loops or not isinstance(loops[0], (ast.For, ast.AsyncFor)):
            return None
        loop = loops[0]
        fitted = _fitted_name(loop, frame.f_lineno)
        if fitted is None or fitted in _assigned(loop):
            return None
        return _range_length(loop.iter, frame)
    except Exception:  # an odd frame or source costs the run this fact, never its training
        return None


def _helper_loop_epochs(frame: FrameType, model: Any) -> Optional[int]:
    """`epochs_of_fit_loop` for a fit made in a function without loops: its caller's loop."""
    caller = first_script_frame(frame.f_back)
    if caller is None:
        return None
    code = caller.f_code
    loops = _enclosing_loops(code.co_filename, code.co_name, caller.f_lineno)
    if not loops or not isinstance(loops[0], (ast.For, ast.AsyncFor)):
        return None
    return _range_length(loops[0].iter, caller) if _held_through(loops[0], caller, model) else None


def _fitted_name(loop: ast.AST, line: int) -> Optional[str]:
    """`name` of a `name.fit(...)` call on `line` inside `loop`."""
    for node in ast.walk(loop):
        if (
            isinstance(node, ast.Call)
            and _spans(node, line)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "fit"
            and isinstance(node.func.value, ast.Name)
        ):
            return node.func.value.id
    return None


def _assigned(loop: ast.AST) -> set[str]:
    """Names the loop (its target and its body, not nested scopes) binds."""
    names: set[str] = set()
    todo = [loop]
    while todo:
        node = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _SCOPES):
                continue
            if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
                names.add(child.id)
            todo.append(child)
    return names


def first_script_frame(frame: Optional[FrameType]) -> Optional[FrameType]:
    """`frame` or the first frame outward from it that runs the script's own code, or None."""
    while frame is not None and not is_script(frame.f_code.co_filename):
        frame = frame.f_back
    return frame


def is_script(filename: str) -> bool:
    """The user's own code: a source file outside the installed packages, the standard library
    and traindx itself."""
    if not filename.endswith(".py") or filename.startswith("<"):
        return False
    path = os.path.abspath(filename)
    if path.startswith(_PACKAGE) or os.sep + "site-packages" + os.sep in path:
        return False
    if os.sep + "dist-packages" + os.sep in path:
        return False
    return not any(path.startswith(p) for p in _library_paths())


@functools.lru_cache(maxsize=1)
def _library_paths() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    kinds = ("stdlib", "platstdlib", "purelib", "platlib")
    return tuple({os.path.abspath(paths[k]) + os.sep for k in kinds if k in paths})


@functools.lru_cache(maxsize=64)
def _tree(filename: str) -> Optional[ast.Module]:
    try:
        with open(filename, encoding="utf-8") as f:
            return ast.parse(f.read(), filename)
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return None


def _enclosing_loops(filename: str, scope_name: str, line: int) -> list[ast.AST]:
    """The loops around `line` in the scope named `scope_name` that contains it (`<module>` for
    the script's top level), innermost first."""
    tree = _tree(filename)
    if tree is None:
        return []
    scope: ast.AST = tree
    # The innermost function (or class body) around the line: its loops are the frame's.
    while True:
        inner = next(
            (
                node
                for node in ast.walk(scope)
                if node is not scope and isinstance(node, _SCOPES) and _spans(node, line)
            ),
            None,
        )
        if inner is None:
            break
        scope = inner
    if scope_name != "<module>" and getattr(scope, "name", None) != scope_name:
        return []  # the frame is not the scope found (a lambda, a comprehension): nothing read
    loops: list[ast.AST] = []
    _collect(scope, line, loops)
    return loops[::-1]


def _collect(node: ast.AST, line: int, into: list[ast.AST]) -> None:
    """Appends the loops around `line` below `node`, outermost first, without entering nested
    scopes. A loop's own header (its `iter`) is not inside its body."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, _SCOPES) or not _spans(child, line):
            continue
        if isinstance(child, _LOOPS):
            if any(_spans(stmt, line) for stmt in [*child.body, *child.orelse]):
                into.append(child)
                _collect(child, line, into)
            return
        _collect(child, line, into)
        return


def _spans(node: ast.AST, line: int) -> bool:
    start = getattr(node, "lineno", None)
    end = getattr(node, "end_lineno", None)
    return start is not None and end is not None and start <= line <= end


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_range_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _callee(node) in ("range", "trange", "tqdm")


def _range_length(node: ast.AST, frame: FrameType) -> Optional[int]:
    """len(range(...)) of a loop's iterable, when it is a range (or tqdm around one)."""
    if not isinstance(node, ast.Call):
        return None
    name = _callee(node)
    if name == "tqdm" and node.args:
        return _range_length(node.args[0], frame)
    if name not in ("range", "trange") or node.keywords or not 1 <= len(node.args) <= 3:
        return None
    try:
        bounds = [_evaluate(arg, frame) for arg in node.args]
        if not all(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
            return None
        return len(range(*bounds))
    except (_Refused, ArithmeticError, ValueError, TypeError, LookupError, AttributeError):
        return None


def _evaluate(node: ast.AST, frame: FrameType) -> Any:
    """A bound as the loop computed it: constants, names (the frame's, then its module's),
    attributes, subscripts with constant keys, + - * // and int(). No function is called."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, str)):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in frame.f_locals:
            return frame.f_locals[node.id]
        if node.id in frame.f_globals:
            return frame.f_globals[node.id]
        raise _Refused(node.id)
    if isinstance(node, ast.Attribute):
        return getattr(_evaluate(node.value, frame), node.attr)
    if isinstance(node, ast.Subscript):
        key = node.slice
        if not isinstance(key, ast.Constant):
            raise _Refused("subscript")
        return _evaluate(node.value, frame)[key.value]
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_evaluate(node.left, frame), _evaluate(node.right, frame))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand, frame)
    if isinstance(node, ast.Call) and _callee(node) == "int" and len(node.args) == 1 and not node.keywords:
        value = _evaluate(node.args[0], frame)
        if isinstance(value, (int, float, str)):
            return int(value)
    raise _Refused(type(node).__name__)
