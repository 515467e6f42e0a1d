"""Keep personal data out of logs: e-mail addresses and phone numbers are masked in every record.

exportwatch never needs them in a log line; subscriber endpoints live in SNS subscriptions only.
A handler-level filter masks the message and extra keys of what any module (or a library) logs,
and the handler's formatter masks the finished line, so exception text, stack traces and keys
appended with ``append_keys`` are masked too.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# E.164 (+ and 7-15 digits, separators allowed) and North American forms; not document numbers
# such as 2019-25189 or citations such as 84 FR 64018.
_PHONE = re.compile(
    r"\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}\d"
    r"|\(\d{3}\)\s?\d{3}[-. ]\d{4}\b"
    r"|\b\d{3}[-. ]\d{3}[-. ]\d{4}\b"
    r"|\b00\d{1,3}(?:[ .-]?\d{2,4}){2,5}\b"  # international prefix 00
    r"|\b1\d{10}\b"  # a North American number written as 11 digits
)
MASK_EMAIL, MASK_PHONE = "<email>", "<phone>"


def mask(text: str) -> str:
    """Mask e-mail addresses and phone numbers (E.164 and common national forms) in ``text``."""
    text = _EMAIL.sub(MASK_EMAIL, text)
    return _PHONE.sub(MASK_PHONE, text)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_masked(v) for v in value)
    return value


class RedactPersonalData(logging.Filter):
    """A logging filter that masks personal data in the message, its arguments and extra keys."""

    _STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask in place; never drops a record."""
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        if record.args:
            record.args = _masked(record.args)
        for key, value in list(record.__dict__.items()):
            if key not in self._STANDARD:
                record.__dict__[key] = _masked(value)
        return True


class _MaskingFormatter(logging.Formatter):
    """Masks the finished line: exception text, stack traces and appended keys included."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        return mask(self.inner.format(record))

    def __getattr__(self, name: str) -> Any:  # Powertools reaches its formatter's own API through the handler
        return getattr(self.inner, name)


def protect(logger: Any) -> None:
    """Mask personal data in everything a Powertools logger (and its children) writes."""
    handler = getattr(logger, "registered_handler", None)
    if handler is None:
        logger.addFilter(RedactPersonalData())
        return
    handler.addFilter(RedactPersonalData())
    if handler.formatter is not None and not isinstance(handler.formatter, _MaskingFormatter):
        handler.setFormatter(_MaskingFormatter(handler.formatter))
