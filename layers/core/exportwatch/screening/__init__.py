"""Watchlist screening: counterparties against listed parties, matched as a screening professional would.

Standard library plus rapidfuzz only (imported on first score), so it imports cheaply in the notify handler,
which screens every new or materially updated story at rule time (``screening.watchlists``).
"""

from __future__ import annotations

from exportwatch.screening.match import DEFAULT_THRESHOLD, Counterparty, Index, Listed, Match, score_names
from exportwatch.screening.normalize import Name, analyse, fold

__all__ = ["DEFAULT_THRESHOLD", "Counterparty", "Index", "Listed", "Match", "Name", "analyse", "fold", "score_names"]
