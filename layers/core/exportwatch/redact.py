"""Keep personal data and secrets out of logs: e-mail addresses, phone numbers and URL credentials are masked.

exportwatch never needs them in a log line; subscriber endpoints live in SNS subscriptions only.
The handlers' log formatter (``observability.MaskingFormatter``) masks each finished line, so the
message, extra keys, exception text, stack traces and keys appended with ``append_keys`` are all
masked, whichever module or library logged them.
"""

from __future__ import annotations

import re

# Where a match may start: not inside a word or number, yet right after a JSON escape such as \n
# (the formatter masks the finished JSON line, where a new line of a traceback is the two characters
# backslash and n). A match never starts on the escape's letter: that would leave a lone backslash.
_START = r"(?<!\\)(?:(?<=\\[nrt])|(?<![\w.%+/-]))"
# Local part and domain in any script (anna@bücher.de, x@例え.jp), and punycode top-level domains.
_EMAIL = re.compile(_START + r"[\w.%+'-]+@(?:[\w-]+\.)+(?:[^\W\d_]{2,}|xn--[a-z0-9-]+)(?![\w-])", re.IGNORECASE)
# E.164 (+ and 7-15 digits, separators allowed) and North American forms; not document numbers
# such as 2019-25189 or citations such as 84 FR 64018.
_PHONE = re.compile(
    # E.164: at least 7 digits, and not a timestamp's UTC offset ("09:34:18,158+0000")
    r"(?<![\d,.:])\+(?=(?:\D{0,2}\d){7})\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}\d"
    r"|\(\d{3}\)\s?\d{3}[-. ]\d{4}\b"
    rf"|{_START}\d{{3}}[-. ]\d{{3}}[-. ]\d{{4}}\b"
    rf"|{_START}00\d{{1,3}}(?:[ .-]?\d{{2,4}}){{2,5}}\b"  # international prefix 00
    rf"|{_START}1\d{{10}}\b"  # a North American number written as 11 digits
)
# National numbers with a trunk prefix 0: 020 7946 0958, 06 12 34 56 78, (0)30 1234567, (02) 9876 5432,
# 030/1234567, 0612345678. Dates (01.02.2019), times and ISO timestamps have too few digits or do
# not start a number with 0; the digits are counted in _national.
_NATIONAL = re.compile(
    _START
    + r"(?:0\d{8,12}|(?:\(0\)\s?\d{1,5}|\(0\d{1,4}\)|0\d{1,4})(?:(?:[ ./-]|\s?/\s?)\d{2,8}){1,5})"
    + r"(?![\w/-]|[.,:]\d)"  # groups need a separator: no backtracking through long digit runs
)
# Secrets in URLs: values of query (or fragment) parameters named like a credential, and user:password@.
_SECRET_PARAM = re.compile(
    r"(?<=[?&;#])((?:[\w.-]*?(?:token|key|secret|password|passwd|pwd|sig|signature|auth|credentials?|keyid|sessionid)"
    r"|pass|session|sid)=)[^&#\s\"'<>\\]+",
    re.IGNORECASE,
)
_USERINFO = re.compile(r"(?<=://)[^/?#\s@\"'<>\\]+@(?=[\w\[])")
MASK_EMAIL, MASK_PHONE, MASK_SECRET = "<email>", "<phone>", "<secret>"


def _national(match: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in match.group())
    return MASK_PHONE if 9 <= digits <= 13 else match.group()


# Request and trace ids (UUIDs) are what an operator searches logs by; their digit runs are no phone.
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")


def mask(text: str) -> str:
    """Mask e-mail addresses, phone numbers (international and national forms) and URL secrets in ``text``.

    UUIDs (request ids) are left as they are.
    """
    parts = _UUID.split(text)
    if len(parts) > 1:
        ids = _UUID.findall(text)
        return "".join(_mask(part) + (ids[i] if i < len(ids) else "") for i, part in enumerate(parts))
    return _mask(text)


def _mask(text: str) -> str:
    text = _USERINFO.sub(MASK_SECRET + "@", text)
    text = _SECRET_PARAM.sub(r"\1" + MASK_SECRET, text)
    text = _EMAIL.sub(MASK_EMAIL, text)
    text = _PHONE.sub(MASK_PHONE, text)
    return _NATIONAL.sub(_national, text)
