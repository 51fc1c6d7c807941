"""``python -m benchmarks``: every case, floor vs openai_fn vs the official package, one table.

    make bench                                   # installs the bench extra, then runs this
    .venv/bin/python -m benchmarks [--write] [--cases sync async] [--rounds 30] [--quick] [--json out.json]

``--write`` puts the table (and the machine it ran on) into docs/performance.md between the
``bench:results`` markers. ``--quick`` runs every case once at tiny sizes (what the smoke test does).
The official package's column is empty when ``openai`` is not importable (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import json
import sys

from .contenders import official_available
from .payloads import Sizes
from .report import machine, table, write_doc
from .suite import CASES, Settings, run_cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", nargs="*", choices=list(CASES), help="which groups to run (default: all)")
    parser.add_argument("--rounds", type=int, default=30, help="samples per contender per case (default 30)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round: a smoke run")
    parser.add_argument("--no-official", action="store_true", help="leave the official package out")
    parser.add_argument("--write", action="store_true", help="write the results into docs/performance.md")
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    args = parser.parse_args(argv)

    official = official_available() and not args.no_official
    if not official and not args.no_official:
        print("the official openai package is not importable: its column is left empty", file=sys.stderr)
    settings = Settings(
        sizes=Sizes.tiny() if args.quick else Sizes(),
        rounds=1 if args.quick else args.rounds,
        official=official,
        log=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(f"benchmarks on {machine()}", file=sys.stderr)
    rows = run_cases(settings, args.cases)
    text = table(rows)
    print(text)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"machine": machine(), "rows": [row.to_dict() for row in rows]}, out, indent=2)
    if args.write:
        write_doc(text, " ".join(["python -m benchmarks", *(argv if argv is not None else sys.argv[1:])]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
