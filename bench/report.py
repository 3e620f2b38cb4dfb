"""The bench's output: results/latest.json and the printed table."""

from __future__ import annotations

import json
from pathlib import Path


def write_results(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n")


def _cell(result: dict, key: str) -> str:
    if key == "value":
        if "value" not in result:
            return f"error: {result.get('error', '?')}"[:60]
        return f"{result['value']:g} {result['unit']}"
    if key == "pass":
        return {True: "yes", False: "NO"}.get(result.get("pass"), "-")
    return str(result.get(key, "-"))


def format_table(results: dict[str, dict]) -> str:
    rows = [("name", "value", "goal", "pass")]
    rows += [
        (name, *(_cell(r, key) for key in ("value", "goal", "pass"))) for name, r in results.items()
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    busy = {
        name: r["otherCpuCores"] for name, r in results.items() if r.get("otherCpuCores", 0) > 0.2
    }
    if busy:
        shown = ", ".join(f"{name} {cores:g}" for name, cores in busy.items())
        lines.append(f"\nnoisy: cores kept busy by other processes meanwhile: {shown}")
    return "\n".join(line.rstrip() for line in lines)
