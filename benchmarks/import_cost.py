"""Import cost: ``import openai_fn`` + building one chat request, against ``import openai``.

Each sample is a fresh interpreter (cold process; bytecode caches present, as after an install).
Two numbers per case: the time the imports and the build take inside the process, and the
whole process's wall time (interpreter start-up included). Median of 7 runs after one warm-up.

    .venv/bin/python benchmarks/import_cost.py [--runs 7] [--write]

``--write`` records the table in ``docs/performance.md`` under "## Import cost". The official
package runs with ``/tmp/probe/bin/python`` when present, else with this interpreter (install it
with ``pip install -e '.[bench]'``); it is skipped when neither has it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
TARGET_MS = 80.0

OURS = """
import time
t0 = time.perf_counter()
import openai_fn
from openai_fn.endpoints import chat
chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Say this is a test"}])
t1 = time.perf_counter()
import sys
print((t1 - t0) * 1000, sum(m.startswith("openai_fn") for m in sys.modules), "httpx" in sys.modules)
"""

OURS_IMPORT_ONLY = """
import time
t0 = time.perf_counter()
import openai_fn
t1 = time.perf_counter()
print((t1 - t0) * 1000, 0, False)
"""

THEIRS = """
import time
t0 = time.perf_counter()
import openai
t1 = time.perf_counter()
import sys
print((t1 - t0) * 1000, sum(m.startswith("openai") for m in sys.modules), "httpx" in sys.modules)
"""


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a cold process, but with bytecode caches as after an install
    env["PYTHONPATH"] = str(ROOT)
    return env


def sample(python: str, code: str, runs: int) -> tuple[float, float, str]:
    """(median in-process ms, median wall ms, extra info) over ``runs`` fresh interpreters."""
    env = environment()
    subprocess.run([python, "-c", code], env=env, check=True, capture_output=True, cwd=ROOT)  # warm-up
    inner: list[float] = []
    wall: list[float] = []
    info = ""
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run(
            [python, "-c", code], env=env, check=True, capture_output=True, text=True, cwd=ROOT
        )
        wall.append((time.perf_counter() - started) * 1000)
        ms, modules, httpx = out.stdout.split()
        inner.append(float(ms))
        info = f"{modules} modules, httpx imported: {httpx}"
    return statistics.median(inner), statistics.median(wall), info


def official_python() -> str | None:
    candidates = ["/tmp/probe/bin/python", sys.executable]
    for python in candidates:
        if Path(python).exists() or shutil.which(python):
            probe = subprocess.run([python, "-c", "import openai"], capture_output=True)
            if probe.returncode == 0:
                return python
    return None


def baseline(runs: int) -> float:
    env = environment()
    wall: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, check=True, cwd=ROOT)
        wall.append((time.perf_counter() - started) * 1000)
    return statistics.median(wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--write", action="store_true", help="record the result in docs/performance.md")
    args = parser.parse_args()

    rows: list[tuple[str, float, float, str]] = []
    empty = baseline(args.runs)
    rows.append(("python -c pass (interpreter start-up)", 0.0, empty, ""))
    ms, wall, info = sample(sys.executable, OURS_IMPORT_ONLY, args.runs)
    rows.append(("import openai_fn", ms, wall, ""))
    ms, wall, info = sample(sys.executable, OURS, args.runs)
    ours = ms
    rows.append(("import openai_fn + chat.completions.create(...)", ms, wall, info))
    python = official_python()
    if python is not None:
        ms, wall, info = sample(python, THEIRS, args.runs)
        rows.append((f"import openai (official SDK, {python})", ms, wall, info))
    else:
        print("official openai package not found: install it with pip install -e '.[bench]'", file=sys.stderr)

    table = [
        f"Median of {args.runs} cold processes on this machine (Python {sys.version.split()[0]}); "
        f"target for openai_fn: < {TARGET_MS:.0f} ms in-process.",
        "",
        "| case | in-process ms | process wall ms | notes |",
        "|---|---:|---:|---|",
    ]
    for name, ms, wall, info in rows:
        table.append(f"| {name} | {ms:.1f} | {wall:.1f} | {info} |")
    verdict = "meets" if ours < TARGET_MS else "MISSES"
    table.append("")
    table.append(
        f"openai_fn import + one request build: {ours:.1f} ms ({verdict} the {TARGET_MS:.0f} ms target)."
    )
    text = "\n".join(table)
    print(text)
    if args.write:
        write_section(text)
    return 0


def write_section(text: str) -> None:
    """Replace (or add) the "## Import cost" section of docs/performance.md, leaving the others alone."""
    section = (
        "## Import cost\n\n"
        "Measured by `benchmarks/import_cost.py --write` (the section is rewritten on each run).\n\n"
        + text
        + "\n"
    )
    current = DOC.read_text() if DOC.exists() else "# Performance\n"
    pattern = re.compile(r"^## Import cost\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        updated = pattern.sub(lambda _: section + "\n", current).rstrip() + "\n"
    else:
        updated = current.rstrip() + "\n\n" + section
    DOC.write_text(updated)


if __name__ == "__main__":
    sys.exit(main())
