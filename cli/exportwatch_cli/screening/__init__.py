"""Watchlist screening: counterparties against listed parties, matched as a screening professional would.

Standard library plus rapidfuzz only, so it imports cheaply in a Lambda handler at rule time.
"""

from __future__ import annotations

from exportwatch_cli.screening.match import DEFAULT_THRESHOLD, Counterparty, Index, Listed, Match, score_names
from exportwatch_cli.screening.normalize import Name, analyse, fold

__all__ = ["DEFAULT_THRESHOLD", "Counterparty", "Index", "Listed", "Match", "Name", "analyse", "fold", "score_names"]
