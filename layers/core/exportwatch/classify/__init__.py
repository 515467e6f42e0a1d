"""What an item is about: labels with evidence, the parties named, countries and key dates.

``classify`` is the entry point; ``sentences`` reads an item's text once, ``rules`` holds the rule
tables, ``labels`` applies them, ``parties`` and ``dates`` find who and when.

``classify`` is imported on first use: the notify, remind and digest functions need only ``dates`` and
``parties.entity_key``, and importing the package for them must not load the rules and the model code
(a cold start pays for every module imported).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from exportwatch.classify.labels import classify

__all__ = ["classify"]


def __getattr__(name: str) -> Any:
    if name == "classify":
        from exportwatch.classify.labels import classify

        return classify
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
