"""Keep personal data out of logs: e-mail addresses and phone numbers are masked in every record.

exportwatch never needs them in a log line; subscriber endpoints live in SNS subscriptions only.
The handlers' log formatter (``observability.MaskingFormatter``) masks each finished line, so the
message, extra keys, exception text, stack traces and keys appended with ``append_keys`` are all
masked, whichever module or library logged them.
"""

from __future__ import annotations

import re

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
