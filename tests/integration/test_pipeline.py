"""The whole flow over loopback HTTP and moto: pollers -> table -> stream -> notify -> SNS -> subscribers."""

from __future__ import annotations

from exportwatch_cli.demo import SUBSCRIBERS, local_stack, received


def test_seeds_reach_each_interested_subscriber_once_and_polling_again_sends_nothing() -> None:
    # Given the demo's sources, topic and subscribers
    with local_stack() as stack:
        # When
        first = stack.poll()
        inbox = stack.inbox()
        stack.poll()
        again = stack.inbox()
    # Then
    assert first["stream_failures"] == 0
    huawei = {name: [m for m in messages if "Huawei" in m["subject"]] for name, messages in inbox.items()}
    assert len(huawei["compliance-team"]) == 1
    assert len(huawei["on-call-phone"]) == 1
    assert huawei["entity-list-desk"] == []  # licences and an extension are not Entity List changes
    alert = huawei["compliance-team"][0]
    assert (
        alert["subject"] == "Licenses granted for sales to Huawei (Entity List) · TGL extended 90 days to 16 Feb 2020"
    )
    assert "Sources (3)" in alert["email"]
    assert all(not messages for messages in again.values())


def test_entity_list_desk_gets_only_entity_list_changes() -> None:
    with local_stack() as stack:
        stack.poll()
        inbox = stack.inbox()
    desk = inbox["entity-list-desk"]
    assert desk, "the sample Entity List rules must reach the Entity List desk"
    assert all({"entity_list.addition", "entity_list.removal", "entity_list.revision"} & set(m["labels"]) for m in desk)
    # and the alerts name the entries, read from the rules' texts the sample server holds, grouped by country
    addition = next(m for m in desk if m["subject"].endswith("added to the Entity List"))
    assert addition["subject"] == "40 entries (China, Georgia, Malaysia, Turkey) added to the Entity List"
    assert "Georgia (3):\n- added: Gensis Engineering" in addition["email"]
    assert "- added: SAEROS Safety ERO Company; review policy: Presumption of denial" in addition["email"]
    removal = next(m for m in desk if "2023-25557" in m["email"])
    assert "- removed: Ministry of Public Security’s Institute of Forensic Science of China" in removal["email"]
    sms = [m["sms"] for m in inbox["on-call-phone"] if "2021-27406" in m["sms"]]
    assert sms == [
        "HIGH: Entity List, 40 added: Academy of Military Medical Sciences +39 https://www.federalregister.gov/d/2021-27406"
    ]


def test_demo_json_lines_have_the_contract_shape() -> None:
    with local_stack() as stack:
        stack.poll()
        inbox = stack.inbox()
    by_name = {s.name: s for s in SUBSCRIBERS}
    lines = [received(by_name[name], m) for name, messages in inbox.items() for m in messages]
    assert lines
    for line in lines:
        assert set(line) >= {"subscriber", "protocol", "body", "story_id", "labels"}
        assert line["protocol"] in ("email", "sms")
        if line["protocol"] == "sms":
            assert len(line["body"]) <= 160
        else:
            assert line["subject"]


def test_the_demo_run_twice_in_one_process_prints_the_same_messages(capsys) -> None:
    # Given / When
    from exportwatch_cli.demo import run_demo

    run_demo(as_json=True)
    first = capsys.readouterr().out
    run_demo(as_json=True)
    second = capsys.readouterr().out
    # Then each run is a fresh local world with the same, and only the same, messages
    assert first and first == second
