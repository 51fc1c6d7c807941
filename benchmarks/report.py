"""The results table, the machine description, and writing both into docs/performance.md."""

from __future__ import annotations

import os
import platform
import re
from collections.abc import Sequence
from pathlib import Path

from .suite import Row

__all__ = ["machine", "table", "write_doc"]

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.1f}"
    return f"{os.cpu_count()} CPUs (nproc), {cpu}, Python {platform.python_version()} ({platform.system()}){load}"


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _ratio(row: Row) -> str:
    ratio = row.vs_floor
    if ratio is None:
        return "—"
    text = f"{ratio:.2f}×"
    if row.target is not None:
        text += f" (≤ {row.target:.2f}: {'met' if ratio <= row.target else '**missed**'})"
    return text


def _speedup(row: Row) -> str:
    ratio = row.official_over_ours
    if ratio is None:
        return "—"
    return f"{ratio:.1f}×" if ratio >= 1 else f"**{ratio:.2f}× (slower)**"


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| case | transport | unit | floor | openai_fn | official | openai_fn ÷ floor | official ÷ openai_fn | note |",
        "|---|---|---|---:|---:|---:|---|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.case} | {row.transport} | {row.unit} | {_number(row.floor)} | {_number(row.ours)} | "
            f"{_number(row.official)} | {_ratio(row)} | {_speedup(row)} | {row.note} |"
        )
    return "\n".join(lines)


def write_doc(text: str, command: str) -> None:
    """Replace what is between the results markers of docs/performance.md (added at the end if absent)."""
    block = f"{START}\nMachine: {machine()}.\nCommand: `{command}`.\n\n{text}\n{END}"
    current = DOC.read_text() if DOC.exists() else "# Performance\n"
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if pattern.search(current):
        updated = pattern.sub(lambda _: block, current)
    else:
        updated = current.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(updated)
