"""The ``transkit`` executable: a click-free fast path for plain ``lint``/``check`` runs, click for the rest.

Errors become one line on stderr and exit code 2, on both paths.
"""

from __future__ import annotations

import os
import sys


def _streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")
        except (AttributeError, ValueError):
            pass


def main(argv: list[str] | None = None) -> None:
    # A run allocates hundreds of thousands of small objects (spans, blocks,
    # diagnostics) that live until it ends and form no garbage cycles worth
    # chasing: a rarer cyclic collection saves 10-20% of a big run.
    import gc

    gc.set_threshold(50_000, 50, 100)
    args = sys.argv[1:] if argv is None else list(argv)
    if args and args[0] in ("lint", "check") and not os.environ.get("TRANSKIT_NO_FAST_PATH"):
        from transkit.commands import RUNNERS, parse_fast

        params = parse_fast(args[0], args[1:])
        if params is not None:
            _streams()
            sys.exit(_guarded(lambda: RUNNERS[args[0]](**params)))
    from transkit.cli import main as click_main

    click_main(args)


def _guarded(call) -> int:
    from transkit.errors import TranskitError

    try:
        rv = call()
    except TranskitError as exc:
        sys.stderr.write(f"transkit: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        if os.environ.get("TRANSKIT_DEBUG"):
            raise
        sys.stderr.write(f"transkit: internal error: {type(exc).__name__}: {exc} (set TRANSKIT_DEBUG=1 for a traceback)\n")
        return 2
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":  # pragma: no cover
    main()
