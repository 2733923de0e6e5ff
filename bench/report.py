"""Shared tail of the bench scripts: print the figures and, with --write, append them to docs/benchmarks.md."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def publish(lines: list[str], write: bool) -> None:
    text = "\n".join(lines)
    print(text)
    if write:
        with open(BENCHMARKS, "a", encoding="utf-8") as fh:
            fh.write("\n" + text)


@dataclass(frozen=True)
class Timing:
    """One read's timings in milliseconds, summarised: median, 95th percentile, throughput of one client."""

    median: float
    p95: float
    per_second: float

    @classmethod
    def of(cls, millis: Sequence[float]) -> Timing:
        ordered = sorted(millis)
        p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
        return cls(statistics.median(ordered), p95, 1000 / statistics.fmean(ordered))


@dataclass(frozen=True)
class RatioRow:
    """A read timed three ways on the same data in the same process: the product, the usual per-object baseline
    (django-guardian's get_objects_for_user over per-object rows) and the floor (no permission filter at all)."""

    read: str
    product: Timing
    baseline: Timing | None
    floor: Timing | None


def ratio_table(rows: Sequence[RatioRow]) -> list[str]:
    """Markdown: each read's median / p95 / reads per second, and the two ratios the targets are written in:
    product ÷ baseline throughput (higher is better) and product ÷ floor median time (1.0 is the floor itself)."""
    lines = [
        "| read | product median / p95 ms | product reads/s | guardian median / p95 ms | guardian reads/s "
        "| floor median / p95 ms | floor reads/s | product ÷ guardian throughput | product ÷ floor time |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        p, b, f = row.product, row.baseline, row.floor
        lines.append(
            f"| {row.read} | {p.median:.2f} / {p.p95:.2f} | {p.per_second:.0f} "
            f"| {_cell(b)} | {_rate(b)} | {_cell(f)} | {_rate(f)} "
            f"| {_ratio(p.per_second, b and b.per_second)} | {_ratio(p.median, f and f.median)} |"
        )
    return lines


def _cell(timing: Timing | None) -> str:
    return f"{timing.median:.2f} / {timing.p95:.2f}" if timing else "—"


def _rate(timing: Timing | None) -> str:
    return f"{timing.per_second:.0f}" if timing else "—"


def _ratio(value: float, against: float | None) -> str:
    return f"{value / against:.2f}×" if against else "—"
