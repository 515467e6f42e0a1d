"""JSON lines in: one value or one error per non-blank line, so a bad line never costs the others theirs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO, Any

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def json_lines(stream: IO[str]) -> Iterator[tuple[int, Any, str | None]]:
    r"""Yield (line number, value, error) for each non-blank line.

    A line that is not JSON, nests too deeply for the parser, or escapes a lone UTF-16 surrogate
    (``"\ud800"``: no character, and unprintable as UTF-8) is an error on its line; the next lines go on.
    """
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, f"line {number}: not JSON ({exc.msg})"
            continue
        except RecursionError:
            yield number, None, f"line {number}: JSON nested too deeply"
            continue
        if _SURROGATE_ESCAPE.search(line) and not _encodable(value):
            yield number, None, f"line {number}: a string holds a lone surrogate escape (not a character)"
            continue
        yield number, value, None


def _encodable(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError):
        return False
    return True
