from __future__ import annotations

import io
import itertools
import json
import logging

import pytest
from aws_lambda_powertools import Logger

from exportwatch.observability import MaskingFormatter
from exportwatch.redact import mask


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("subscribed desk@example.com to alerts", "subscribed <email> to alerts"),
        ("SMS to +15551234567 failed", "SMS to <phone> failed"),
        ("call (202) 482-4811 now", "call <phone> now"),
        ("published 2019-11-20, 84 FR 64018", "published 2019-11-20, 84 FR 64018"),
        ("document 2019-25189 and story s-05ac693cdeb1ad57", "document 2019-25189 and story s-05ac693cdeb1ad57"),
    ],
)
def test_mask_hides_addresses_and_numbers_but_not_dates_or_ids(text: str, expected: str) -> None:
    assert mask(text) == expected


def test_a_protected_logger_masks_messages_and_extra_keys_of_child_loggers() -> None:
    # Given a service logger with the masking formatter, and a child logger in a module
    stream = io.StringIO()
    Logger(service="redact-test", logger_handler=logging.StreamHandler(stream), logger_formatter=MaskingFormatter())
    child = Logger(service="redact-test", child=True)
    # When
    child.error("delivery to ops@example.com failed", extra={"endpoint": "+447700900123", "story_id": "s-1"})
    # Then
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["message"] == "delivery to <email> failed"
    assert line["endpoint"] == "<phone>" and line["story_id"] == "s-1"


def test_exception_text_and_appended_keys_are_masked_too() -> None:
    # Given
    stream = io.StringIO()
    service = Logger(
        service="redact-test-2", logger_handler=logging.StreamHandler(stream), logger_formatter=MaskingFormatter()
    )
    service.append_keys(subscriber="desk@example.com")
    # When
    try:
        raise RuntimeError("SMS to +15551234567 bounced for ops@example.com")
    except RuntimeError:
        service.exception("delivery failed")
    # Then
    output = stream.getvalue()
    assert "example.com" not in output and "15551234567" not in output
    assert "<email>" in output and "<phone>" in output


@pytest.mark.parametrize("number", ["15551234567", "555 123 4567", "0044 20 7946 0958"])
def test_more_phone_forms_are_masked(number: str) -> None:
    assert mask(f"call {number} now") == "call <phone> now"


_SERVICES = itertools.count()


def _logged(message: str, **extra: str) -> dict[str, str]:
    """What a new masking Powertools logger writes for ``message``: the parsed JSON line."""
    stream = io.StringIO()  # a logger takes its handler when first made: one service name per call
    service = Logger(
        service=f"redact-case-{next(_SERVICES)}",
        logger_handler=logging.StreamHandler(stream),
        logger_formatter=MaskingFormatter(),
    )
    service.warning(message, extra=extra)
    return dict(json.loads(stream.getvalue().splitlines()[-1]))


@pytest.mark.parametrize(
    "number",
    [
        "020 7946 0958",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "0612345678",
        "(0)30 1234567",
        "030/1234567",
        "(02) 9876 5432",
        "03-1234-5678",
        "+44 (0)20 7946 0958",
    ],
)
def test_logger_masks_national_phone_formats(number: str) -> None:
    # When
    line = _logged(f"SMS to {number} failed", endpoint=number)
    # Then
    assert line["message"] == "SMS to <phone> failed"
    assert line["endpoint"] == "<phone>"


@pytest.mark.parametrize("address", ["anna@bücher.de", "x@例え.jp", "desk@example.xn--p1ai", "δοκιμή@παράδειγμα.ελ"])
def test_logger_masks_email_addresses_with_non_ascii_domains(address: str) -> None:
    line = _logged(f"delivery to {address} failed", subscriber=address)
    assert line["message"] == "delivery to <email> failed"
    assert line["subscriber"] == "<email>"


@pytest.mark.parametrize(
    "name", ["token", "key", "apikey", "api_key", "access_token", "sig", "password", "X-Amz-Signature"]
)
def test_logger_masks_secrets_in_feed_urls(name: str) -> None:
    # Given a feed URL with a credential among ordinary parameters
    url = f"https://feeds.example/rss?lang=en&{name}=s3cr3t-V4lue&page=2"
    # When
    line = _logged(f"source failed: {url}", source=url)
    # Then the value is gone, the rest of the URL stays readable
    expected = f"https://feeds.example/rss?lang=en&{name}=<secret>&page=2"
    assert line["message"] == f"source failed: {expected}"
    assert line["source"] == expected


def test_logger_masks_a_password_in_the_url_authority() -> None:
    line = _logged("fetching https://reader:hunter22@feeds.example/rss")
    assert line["message"] == "fetching https://<secret>@feeds.example/rss"


@pytest.mark.parametrize(
    "text",
    [
        "document 2019-25189 published 2019-11-20 at 84 FR 64018",
        "polled at 2025-01-15T10:20:30Z, next 2025-01-15T10:50:30.123456+00:00",
        "RIN 0694-AH55, OMB 0694-0088, due 05.06.2019 09:30, 15 CFR 744.11",
        "took 0.123456789 s for story s-05ac693cdeb1ad57 (1736936430 epoch)",
    ],
)
def test_logger_keeps_document_numbers_citations_dates_and_timestamps(text: str) -> None:
    assert _logged(text)["message"] == text


def test_masked_exception_lines_stay_valid_json_after_an_escaped_new_line() -> None:
    # Given exception text whose lines begin with personal data (a new line is "\n" in the JSON line)
    stream = io.StringIO()
    service = Logger(
        service="redact-test-4", logger_handler=logging.StreamHandler(stream), logger_formatter=MaskingFormatter()
    )
    # When
    try:
        raise RuntimeError("bounced:\nops@bücher.de\n020 7946 0958\nhttps://f.example/rss?token=abc")
    except RuntimeError:
        service.exception("delivery failed")
    # Then the line still parses, and nothing of the three is left
    line = json.loads(stream.getvalue().splitlines()[-1])
    logged = json.dumps(line, ensure_ascii=False)
    assert "bücher" not in logged and "7946" not in logged and "token=abc" not in logged
    assert "\n<email>\n<phone>\n" in line["exception"]


def test_a_masked_log_line_keeps_its_timestamp_and_request_id() -> None:
    # Given the handlers' formatter writing a Powertools line (timestamp "... 09:34:18,158+0000")
    stream = io.StringIO()
    service = Logger(
        service="redact-test-5", logger_handler=logging.StreamHandler(stream), logger_formatter=MaskingFormatter()
    )
    # When a line carries a request id of digits and a phone number
    service.info("sent", extra={"request_id": "00000000-0000-0000-0000-000000000000", "to": "+15551234567"})
    # Then only the phone number is masked
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["request_id"] == "00000000-0000-0000-0000-000000000000" and line["to"] == "<phone>"
    assert "<phone>" not in line["timestamp"] and line["timestamp"][:2] == "20"
