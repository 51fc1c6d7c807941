"""``python -m codegen [--spec PATH] [--out DIR] [--check]``: regenerate types, builders and the registry."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .generate import DEFAULT_SPEC, REPO_ROOT, generate, write_files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="the OpenAPI spec (YAML)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT, help="the repository root to write into")
    parser.add_argument("--check", action="store_true", help="only report whether the output is current")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = generate(args.spec)
    if args.check:
        stale = write_files(result.files, args.out, dry_run=True)
        for path in stale:
            print(f"stale: {path}")
        return 1 if stale else 0
    changed = write_files(result.files, args.out)
    if not args.quiet:
        print(result.summary())
        print(f"{len(changed)} file(s) changed, in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
