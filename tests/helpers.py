"""Paths and small readers shared by the tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = FIXTURES / "corpus"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus() -> list[dict[str, Any]]:
    """Every labelled item of the evaluation corpus."""
    return [record for path in sorted(CORPUS.glob("*.jsonl")) for record in read_jsonl(path)]
