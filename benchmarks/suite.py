"""The seven cases of the benchmark suite, each timing floor, openai_fn and the official package in one run.

Timing: each contender's samples are interleaved in blocks (floor, ours, official, floor, …), so
drift on a noisy machine hits every contender alike; a sample times ``batch`` operations and the
reported figure is the median sample divided by ``batch``. Ratios are computed within the run.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Generator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio

from . import contenders as c
from .import_cost import sample
from .payloads import Payloads, Sizes

__all__ = ["CASES", "Row", "Settings", "run_cases"]

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    sizes: Sizes = field(default_factory=Sizes)
    rounds: int = 30
    """Samples per contender per case (the loopback and slow cases use fewer; see each case)."""
    official: bool = True
    import_runs: int = 7
    async_requests: int = 2000
    concurrency: int = 100
    memory_calls: int = 20_000
    log: Callable[[str], None] = lambda _: None

    @property
    def tiny(self) -> bool:
        return self.rounds <= 1


@dataclass(frozen=True)
class Row:
    case: str
    transport: str
    unit: str
    floor: float | None
    ours: float
    official: float | None
    target: float | None = None
    """Maximum ours/floor ratio, when the issue sets one."""
    higher_is_better: bool = False
    note: str = ""
    ratios: bool = True
    """False where a ratio means nothing (growth near zero)."""

    @property
    def vs_floor(self) -> float | None:
        if not self.ratios or self.floor is None or not self.floor or not self.ours:
            return None
        return self.floor / self.ours if self.higher_is_better else self.ours / self.floor

    @property
    def official_over_ours(self) -> float | None:
        """How many times faster (or leaner) openai_fn is than the official package."""
        if not self.ratios or self.official is None or not self.official or not self.ours:
            return None
        return self.ours / self.official if self.higher_is_better else self.official / self.ours

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "transport": self.transport,
            "unit": self.unit,
            "floor": self.floor,
            "openai_fn": self.ours,
            "official": self.official,
            "openai_fn/floor": self.vs_floor,
            "official/openai_fn": self.official_over_ours,
            "target": self.target,
            "note": self.note,
        }


# -- timing --------------------------------------------------------------------------------------


def compare(runners: dict[str, Callable[[], object]], *, batch: int, rounds: int, blocks: int = 5) -> dict[str, float]:
    """Median seconds per call of each runner, samples interleaved in ``blocks``."""
    for fn in runners.values():
        for _ in range(max(1, min(batch, 3))):
            fn()  # warm-up: caches, the pool, lazy imports
    samples: dict[str, list[float]] = {name: [] for name in runners}
    blocks = max(1, min(blocks, rounds))
    per_block = max(1, rounds // blocks)
    gc.collect()
    for _ in range(blocks):
        for name, fn in runners.items():
            for _ in range(per_block):
                start = time.perf_counter()
                for _ in range(batch):
                    fn()
                samples[name].append((time.perf_counter() - start) / batch)
    return {name: statistics.median(times) for name, times in samples.items()}


@contextmanager
def loopback_server(sizes: Sizes) -> Generator[str]:
    """The benchmark server in a subprocess on 127.0.0.1; yields its base URL, stops it on exit."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.server", *sizes.argv()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode().strip()
        if not line.isdigit():
            raise RuntimeError(f"the benchmark server did not start (said {line!r})")
        yield f"http://127.0.0.1:{int(line)}/v1"
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _sync_contenders(settings: Settings, payloads: Payloads, base_url: str | None) -> list[Any]:
    found: list[Any] = [c.Floor(payloads, base_url), c.Ours(payloads, base_url)]
    if settings.official:
        found.append(c.Official(payloads, base_url))
    return found


def _row(case: str, transport: str, unit: str, times: dict[str, float], scale: float, target: float | None, note: str = "") -> Row:
    return Row(
        case=case,
        transport=transport,
        unit=unit,
        floor=times["floor"] * scale,
        ours=times["openai_fn"] * scale,
        official=times["official"] * scale if "official" in times else None,
        target=target,
        note=note,
    )


# -- cases 2–5: sync, in-process and loopback ----------------------------------------------------


def case_sync(settings: Settings) -> list[Row]:
    sizes = settings.sizes
    payloads = Payloads(sizes)
    rows: list[Row] = []
    tiny = settings.tiny
    plan: list[tuple[str, str, str, float, float | None, int, int]] = [
        # name, method, unit, scale, target, batch, rounds
        ("2. chat completion, per call", "chat", "µs/call", 1e6, 1.25, 1 if tiny else 50, settings.rounds),
        (f"3. embeddings {sizes.vectors}×{sizes.dims} base64", "embeddings", "µs/call", 1e6, 1.0, 1 if tiny else 5, settings.rounds),
        (f"4. chat stream, {sizes.chunks} chunks", "stream", "µs/stream", 1e6, 1.3, 1, settings.rounds),
        (f"5. list {sizes.files:,} files, {sizes.page}/page", "list_files", "ms/listing", 1e3, 1.25, 1, max(1, settings.rounds // 2)),
    ]

    def measure_all(transport: str, base_url: str | None) -> None:
        contenders = _sync_contenders(settings, payloads, base_url)
        try:
            for case, method, unit, scale, target, batch, rounds in plan:
                settings.log(f"  {case} ({transport})")
                runners = {one.name: getattr(one, method) for one in contenders}
                rows.append(_row(case, transport, unit, compare(runners, batch=batch, rounds=rounds), scale, target))
        finally:
            for one in contenders:
                one.close()

    measure_all("in-process", None)
    with loopback_server(sizes) as base_url:
        measure_all("loopback", base_url)
    return sorted(rows, key=lambda row: (row.case, row.transport))


# -- case 6: async throughput --------------------------------------------------------------------


async def _throughput(chat_call: Callable[[], Awaitable[object]], requests: int, concurrency: int) -> float:
    """Requests per second for ``requests`` calls made by ``concurrency`` workers."""
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await chat_call()

    start = time.perf_counter()
    async with anyio.create_task_group() as group:
        for _ in range(concurrency):
            group.start_soon(worker)
    return requests / (time.perf_counter() - start)


def case_async(settings: Settings) -> list[Row]:
    rows: list[Row] = []
    rounds = 1 if settings.tiny else 3
    requests, concurrency = (20, 5) if settings.tiny else (settings.async_requests, settings.concurrency)
    with loopback_server(settings.sizes) as base_url:
        for backend in ("asyncio", "trio"):
            settings.log(f"  6. async throughput ({backend})")

            async def main(backend: str = backend) -> tuple[dict[str, float], str]:
                contenders: list[Any] = [c.AsyncFloor(base_url), c.AsyncOurs(base_url)]
                note = ""
                if settings.official:
                    contenders.append(c.AsyncOfficial(base_url))
                samples: dict[str, list[float]] = {one.name: [] for one in contenders}
                failed: set[str] = set()
                for one in contenders:  # warm-up: open the connections
                    try:
                        await _throughput(one.chat, min(requests, concurrency * 2), concurrency)
                    except Exception as exc:
                        failed.add(one.name)
                        note = f"official on {backend}: {type(exc).__name__}"
                for _ in range(rounds):
                    for one in contenders:
                        if one.name not in failed:
                            samples[one.name].append(await _throughput(one.chat, requests, concurrency))
                for one in contenders:
                    await one.close()
                return {name: statistics.median(values) for name, values in samples.items() if values}, note

            result, note = anyio.run(main, backend=backend)
            rows.append(
                Row(
                    case=f"6. async {requests:,} requests, concurrency {concurrency}",
                    transport=f"loopback, {backend}",
                    unit="requests/s",
                    floor=result["floor"],
                    ours=result["openai_fn"],
                    official=result.get("official"),
                    higher_is_better=True,
                    note=note,
                )
            )
    return rows


# -- cases 1 and 7: separate processes -----------------------------------------------------------

_IMPORT_CODE = {
    "floor": """
import time
t0 = time.perf_counter()
import httpx, msgspec
client = httpx.Client()
body = msgspec.json.encode({"messages": [{"role": "user", "content": "Say this is a test"}], "model": "gpt-4o-mini"})
client.build_request("POST", "https://api.openai.com/v1/chat/completions", content=body, headers={"authorization": "Bearer sk"})
t1 = time.perf_counter()
print((t1 - t0) * 1000, 0, True)
""",
    "openai_fn": """
import time
t0 = time.perf_counter()
import openai_fn
from openai_fn import chat
client = openai_fn.OpenAI(api_key="sk")
chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Say this is a test"}])
t1 = time.perf_counter()
print((t1 - t0) * 1000, 0, True)
""",
    "official": """
import time
t0 = time.perf_counter()
import openai
from openai._models import FinalRequestOptions
client = openai.OpenAI(api_key="sk")
client.chat.completions
client._build_request(FinalRequestOptions.construct(method="post", url="/chat/completions",
    json_data={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Say this is a test"}]}))
t1 = time.perf_counter()
print((t1 - t0) * 1000, 0, True)
""",
}


def case_import(settings: Settings) -> list[Row]:
    settings.log("  1. cold import + client + one request")
    runs = 1 if settings.tiny else settings.import_runs
    names = ["floor", "openai_fn"] + (["official"] if settings.official else [])
    inner: dict[str, float] = {}
    wall: dict[str, float] = {}
    for name in names:
        inner[name], wall[name], _ = sample(sys.executable, _IMPORT_CODE[name], runs)
    case = "1. cold import + client + one request"
    return [
        _row(case, "in-process ms", "ms", {k: v / 1e3 for k, v in inner.items()}, 1e3, None, f"median of {runs} processes"),
        _row(case, "process wall ms", "ms", {k: v / 1e3 for k, v in wall.items()}, 1e3, None, "interpreter start-up included"),
    ]


_MEMORY_CODE = """
import gc, json, resource, sys
which, calls = sys.argv[1], int(sys.argv[2])
if which == "floor":
    import httpx, msgspec
    httpx.Client()
elif which == "openai_fn":
    import openai_fn
    openai_fn.OpenAI(api_key="sk")
else:
    import openai
    openai.OpenAI(api_key="sk")
def peak():  # VmHWM: ru_maxrss would carry the parent's peak across fork + exec
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0
peak_import = peak()
from benchmarks import contenders
from benchmarks.payloads import Payloads, Sizes
cls = {"floor": contenders.Floor, "openai_fn": contenders.Ours, "official": contenders.Official}[which]
one = cls(Payloads(Sizes(vectors=1, dims=8, chunks=3, files=1, page=1)), None)

def rss():
    gc.collect()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20

warm = max(1, calls // 10)
for i in range(warm):
    one.chat(timeout=20.0 + i % 1000)
before = rss()
for i in range(calls):
    one.chat(timeout=20.0 + i % 1000)
after = rss()
print(json.dumps({"import": peak_import, "before": before, "after": after}))
"""


def case_memory(settings: Settings) -> list[Row]:
    calls = 20 if settings.tiny else settings.memory_calls
    settings.log(f"  7. memory: import, {calls:,} calls with with_options")
    names = ["floor", "openai_fn"] + (["official"] if settings.official else [])
    found: dict[str, dict[str, float]] = {}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in names:
        out = subprocess.run(
            [sys.executable, "-c", _MEMORY_CODE, name, str(calls)], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        )
        found[name] = json.loads(out.stdout.strip().splitlines()[-1])

    def pick(key: Callable[[dict[str, float]], float]) -> dict[str, float]:
        return {name: key(values) for name, values in found.items()}

    growth = pick(lambda v: v["after"] - v["before"])
    return [
        _row("7. memory: peak RSS after import + client", "process", "MB", pick(lambda v: v["import"]), 1.0, None),
        Row(
            case=f"7. memory: RSS growth over {calls:,} calls with with_options",
            transport="in-process",
            unit="MB",
            floor=growth["floor"],
            ours=growth["openai_fn"],
            official=growth.get("official"),
            note="floor passes timeout= per call; flat means ≈ 0 (allocator noise ±1 MB)",
            ratios=False,
        ),
    ]


CASES: dict[str, Callable[[Settings], list[Row]]] = {
    "import": case_import,
    "sync": case_sync,
    "async": case_async,
    "memory": case_memory,
}


def run_cases(settings: Settings, names: list[str] | None = None) -> list[Row]:
    rows: list[Row] = []
    for name in names or list(CASES):
        rows.extend(CASES[name](settings))
    return sorted(rows, key=lambda row: row.case)
