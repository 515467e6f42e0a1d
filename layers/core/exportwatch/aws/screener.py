"""The deployment's watchlist screener: one per container, on the shared DynamoDB client.

Its cache of counterparties lives as long as the container; a watchlist imported again (a new import
time) is read again, and a removed one is forgotten, on the next batch.
"""

from __future__ import annotations

import functools

from exportwatch import settings
from exportwatch.aws import clients
from exportwatch.aws.store import Store
from exportwatch.screening.watchlists import WatchlistScreener


@functools.cache
def default_screener() -> WatchlistScreener:
    """The screener of the table named by the settings, made once per container."""
    return WatchlistScreener(Store(clients.dynamodb(), settings.load().table_name))
