"""Shared tail of the bench scripts: print the figures and, with --write, append them to docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def publish(lines: list[str], write: bool) -> None:
    text = "\n".join(lines)
    print(text)
    if write:
        with open(BENCHMARKS, "a", encoding="utf-8") as fh:
            fh.write("\n" + text)
