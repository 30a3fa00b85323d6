"""`python -m traindx run [options] -- script.py [args...]`: record an unchanged training script."""

from __future__ import annotations

import argparse
import os
import runpy
import sys
from typing import Optional

from .autolog import autolog

USAGE = (
    "python -m traindx run [--out PATH | --url URL] [--every N] [--name NAME] [--profile P]"
    " -- script.py [args...]"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m traindx run",
        usage=USAGE,
        description=(
            "Runs a Python training script unchanged and records every training run in it "
            "(PyTorch loops, Keras fit, Lightning and Hugging Face Trainer) as a traindx trace."
        ),
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument(
        "--out", help="trace file of the first run (.jsonl or .jsonl.gz); more runs get -2, -3"
    )
    target.add_argument("--url", help="a traindx server to stream to, e.g. http://127.0.0.1:4000")
    parser.add_argument(
        "--every", type=int, default=10, help="per-layer statistics every N steps (default 10)"
    )
    parser.add_argument("--name", help="run name (default: the script's name)")
    parser.add_argument("--profile", help="threshold profile the server diagnoses with (tags.profile)")
    parser.add_argument(
        "--stop-on", choices=["warning", "critical"], help="stop training at such an alert (--url)"
    )
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        _parser().print_help()
        return 0
    if argv[0] != "run":
        print(f"unknown command {argv[0]!r}\nusage: {USAGE}", file=sys.stderr)
        return 2
    argv = argv[1:]
    if "--" in argv:
        cut = argv.index("--")
        options, rest = argv[:cut], argv[cut + 1 :]
    else:
        first = next((i for i, a in enumerate(argv) if a.endswith(".py")), len(argv))
        options, rest = argv[:first], argv[first:]
    args = _parser().parse_args(options)
    if not rest:
        print(f"no script given\nusage: {USAGE}", file=sys.stderr)
        return 2
    script, script_args = rest[0], rest[1:]
    if not os.path.isfile(script):
        print(f"{script}: no such file", file=sys.stderr)
        return 2
    name = args.name or os.path.splitext(os.path.basename(script))[0]
    session = autolog(
        args.out, args.url, every=args.every, name=name, profile=args.profile, stop_on=args.stop_on
    )
    return run_script(script, script_args, session)


def run_script(script: str, script_args: list[str], session: object) -> int:
    """Runs `script` as `__main__` with its own argv and sys.path, then ends the open runs as it
    ended (completed, crashed with the exception's type, or interrupted by Ctrl-C) and returns its
    exit code; the exception itself goes on to the caller's traceback as usual."""
    from .autolog import AutologSession

    assert isinstance(session, AutologSession)
    sys.argv = [script, *script_args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exit_:
        session.finish_all(exit_)
        code = exit_.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)
        return 1
    except BaseException as err:
        session.finish_all(err)
        raise
    session.finish_all(None)
    return 0
