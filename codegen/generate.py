"""Load the spec, apply the patch file, analyse, and produce every generated file (in memory)."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml

from .emit_endpoints import emit_endpoints
from .emit_facade import emit_facade
from .emit_registry import emit_registry
from .emit_types import emit_types
from .ir import AliasDef, StructDef
from .pipeline import Analysis, analyse

__all__ = [
    "DEFAULT_SPEC",
    "GENERATED_DIRS",
    "REPO_ROOT",
    "Generated",
    "apply_patches",
    "generate",
    "load_spec",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = REPO_ROOT.parent / "shared" / "spec" / "openai-openapi.yaml"
PATCHES = Path(__file__).parent / "patches.yaml"
GENERATED_DIRS = ("openai_fn/types", "openai_fn/endpoints")
GENERATED_FILES = ("openai_fn/registry.py", "openai_fn/facade/_typed.py")


@dataclass
class Generated:
    analysis: Analysis
    files: dict[str, str]
    patches: int

    def summary(self) -> str:
        a = self.analysis
        defs = a.defs.values()
        structs = sum(isinstance(d, StructDef) for d in defs)
        aliases = sum(isinstance(d, AliasDef) for d in defs)
        components = len(a.model.component_of)
        kinds = Counter(op.result_kind for op in a.ops)
        streams = sum(1 for op in a.ops if op.stream_where)
        return (
            f"{len(a.ops)} operations ({dict(sorted(kinds.items()))}, {streams} can stream); "
            f"{components} component schemas -> {structs} Structs and {aliases} aliases "
            f"({len(a.fixer.widened)} unions widened); {self.patches} spec patches; {len(self.files)} files"
        )


def load_spec(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return cast("dict[str, Any]", yaml.load(f, Loader=yaml.CSafeLoader))


def apply_patches(spec: dict[str, Any], patches_path: Path = PATCHES) -> int:
    """Apply ``patches.yaml``: each entry has ``path`` (keys from the spec root), ``set`` or ``delete``, ``why``."""
    patches = cast("list[dict[str, Any]]", yaml.safe_load(patches_path.read_text()) or [])
    for patch in patches:
        if not patch.get("why"):
            raise SystemExit(f"codegen: patch {patch.get('path')} has no 'why'")
        keys = cast("list[Any]", patch["path"])
        node: Any = spec
        for key in keys[:-1]:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                raise SystemExit(f"codegen: patch path {keys} not found in the spec (stale patch?)") from None
        last = keys[-1]
        if "delete" in patch:
            if last not in node:
                raise SystemExit(f"codegen: patch path {keys} not found in the spec (stale patch?)")
            del node[last]
        else:
            node[last] = copy.deepcopy(patch["set"])
    return len(patches)


def generate(spec_path: Path = DEFAULT_SPEC) -> Generated:
    spec = load_spec(spec_path)
    count = apply_patches(spec)
    analysis = analyse(spec)
    files: dict[str, str] = {}
    files.update(emit_types(analysis))
    files.update(emit_endpoints(analysis))
    files.update(emit_registry(analysis))
    files.update(emit_facade(analysis))
    return Generated(analysis, dict(sorted(files.items())), count)


def existing_files(root: Path) -> set[str]:
    found: set[str] = set()
    for folder in GENERATED_DIRS:
        base = root / folder
        if base.exists():
            found.update(p.relative_to(root).as_posix() for p in base.rglob("*.py"))
    found.update(f for f in GENERATED_FILES if (root / f).exists())
    return found


def write_files(files: dict[str, str], root: Path, *, dry_run: bool = False) -> list[str]:
    """Write ``files`` under ``root``; remove generated files that are no longer produced.

    Returns the paths that were (or, with ``dry_run``, would be) written or removed.
    """
    changed: list[str] = []
    for rel, text in files.items():
        target = root / rel
        if target.exists() and target.read_text() == text:
            continue
        changed.append(rel)
        if not dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    for rel in sorted(existing_files(root) - set(files)):
        changed.append(rel)
        if not dry_run:
            (root / rel).unlink()
    return changed
