"""Commands that talk to AWS fail in one line that says what to set, never with a traceback."""

from __future__ import annotations

import pytest

from exportwatch_cli.main import main


@pytest.mark.parametrize(
    "argv",
    [["subscriptions"], ["unsubscribe", "arn:aws:sns:us-east-1:123456789012:t:1"], ["watchlist", "list"]],
)
def test_no_region_is_one_line_naming_what_to_set(argv: list[str], monkeypatch, capsys) -> None:
    # Given no region anywhere (no profile, no config file)
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("TABLE_NAME", "exportwatch-table")
    monkeypatch.setenv("ALERTS_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:t")
    from exportwatch.aws import clear_caches

    clear_caches()
    # When the command runs
    code = main(argv)
    # Then it exits 2 with one line that names the setting
    err = capsys.readouterr().err.strip()
    clear_caches()
    assert code == 2
    assert len(err.splitlines()) == 1 and "AWS_REGION" in err, err
