"""AWS access: the only code that makes clients, reads or writes the table, or publishes to SNS.

``clients`` makes each boto3 client once per container, ``store`` is the table's data access
layer, ``sender`` publishes alerts once each, ``screener`` screens them against the stored watchlists.
"""

from __future__ import annotations


def clear_caches() -> None:
    """Forget every per-container cache built on AWS clients: the clients, the sender, the settings.

    Tests call it around each test, and the demo between moto sessions.
    """
    from exportwatch.aws import clients, screener, sender

    sender.default_sender.cache_clear()
    screener.default_screener.cache_clear()
    clients.clear_caches()
