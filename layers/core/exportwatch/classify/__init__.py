"""What an item is about: labels with evidence, the parties named, countries and key dates.

``classify`` is the entry point; ``sentences`` reads an item's text once, ``rules`` holds the rule
tables, ``labels`` applies them, ``parties`` and ``dates`` find who and when.
"""

from exportwatch.classify.labels import classify

__all__ = ["classify"]
