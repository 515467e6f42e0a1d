from __future__ import annotations

import io
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
