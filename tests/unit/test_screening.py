"""The matcher on real listed names: the pairs fixture's figures, the guards, and `exportwatch screen`."""

from __future__ import annotations

import json

import pytest

from exportwatch.screening import Counterparty, Index, Listed, analyse, score_names
from exportwatch_cli.main import main
from exportwatch_cli.watchlist_files import evaluate_pairs
from tests.helpers import ROOT

PAIRS = ROOT / "tests" / "fixtures" / "screening" / "pairs.jsonl"


def test_screening_on_real_pairs_finds_97_percent_and_matches_at_most_2_percent_of_others() -> None:
    # Given at least 100 pairs built from real Entity List names and aliases
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(pairs) >= 100 and all(p["rule"] for p in pairs)
    # When each counterparty is screened against its entry
    result = evaluate_pairs(pairs)
    # Then same-party pairs are found and different parties are kept apart
    assert result["recall"] >= 0.97, result["errors"]
    assert result["false_match_rate"] <= 0.02, result["errors"]


@pytest.mark.parametrize(
    ("counterparty", "listed"),
    [
        ("Huawei Technologies Company Limited", "Huawei Technologies Co., Ltd."),
        ("OOO «Ромашка»", "Romashka LLC"),
        ("Open Joint Stock Company 140 Repair Plant", "140 Repair Plant JSC"),
        ("Sense Time Group", "SenseTime Group Limited"),
        ("N.U.D.T.", "National University of Defense Technology"),
        ("PEOPLE'S GOVERNMENT OF XINJIANG", "People?s Government of Xinjiang"),
        ("Zhong Guan Cun Development Co", "Zhongguancun Development Co., Ltd."),
        ("Huawei", "Huawei Technologies Co., Ltd."),  # a name written short drops a generic word only
        ("Acme Intl Trading", "Acme International Trading Co"),  # an abbreviation is no other company
    ],
)
def test_score_same_party_written_differently_matches(counterparty: str, listed: str) -> None:
    score, why = score_names(analyse(counterparty), analyse(listed))
    assert score >= 0.85, why


@pytest.mark.parametrize(
    ("counterparty", "listed", "reason"),
    [
        ("Institute 771", "Institute 772", "numbers differ"),
        ("Technology International Trading Co., Ltd.", "Beijing Technology International Trading Co.", "generic"),
        ("Huawei Device Co., Ltd.", "Huawei Cloud Co., Ltd.", ""),
        ("Huawei Technologies Co., Ltd.", "Beijing Huawei Digital Technologies Co., Ltd.", ""),
        ("Huawei Chengdu Research Institute", "Huawei Hangzhou Research Institute", "different places"),
        # Real listed names: companies of one group, each name with a word the other lacks
        ("Huawei Technologies Co., Ltd.", "Huawei International Pte. Ltd.", "different companies of one group"),
        ("Huawei Technologies Co., Ltd.", "Huawei International Co., Limited", "different companies of one group"),
        ("Huawei Technologies Co., Ltd.", "Huawei Technologies Investment Co. Ltd.", "'investment'"),
        (
            "China Electronics Technology Group Corporation",
            "China Electronics Technology Group Corporation 13th Research Institute",
            "numbers",
        ),
    ],
)
def test_score_different_parties_stay_apart(counterparty: str, listed: str, reason: str) -> None:
    score, why = score_names(analyse(counterparty), analyse(listed))
    assert score < 0.85 and reason in why


# A match's reason is what a screener reads to accept or dismiss it: nothing missing, nothing invented.
REASONS = {
    "Huawei | Huawei Technologies": "generic word 'technologies' in one name only",
    "Huawei Technologies Co. Ltd. | Huawei Technology Co. Ltd.": "spelling differs",
    "Technologies Huawei Co | Huawei Technologies Co., Ltd.": "same name, word order differs, legal form differs",
    "Huawei Technologies Company Limited | Huawei Technologies Co., Ltd.": "same name",
}


@pytest.mark.parametrize("pair", REASONS)
def test_score_says_every_real_difference_and_no_other(pair: str) -> None:
    counterparty, listed = pair.split(" | ")
    score, reason = score_names(analyse(counterparty), analyse(listed))
    assert score >= 0.85 and reason == REASONS[pair]


def test_index_uses_every_alias_and_says_which_matched() -> None:
    # Given an entry whose alias, not its name, is what the customer is called
    listed = Listed("Beijing Shangtang Technology Development Co., Ltd.", ("SenseTime",), "China")
    # When the customer is screened
    [match] = Index([listed]).screen(Counterparty("Sensetime Ltd", reference="C-1042"))
    # Then the match names the alias, its score and why
    assert match.matched == "SenseTime" and match.score == 1.0 and "alias" in match.why
    assert match.to_json()["reference"] == "C-1042"


def test_index_threshold_is_per_call() -> None:
    index = Index([Listed("Alagirsky Resistor Factory")])
    assert index.screen(Counterparty("Alagir Resistor Factory"), threshold=0.85)
    assert not index.screen(Counterparty("Alagir Resistor Factory"), threshold=0.99)


def test_index_blocks_rather_than_comparing_every_pair() -> None:
    # Given 500 listed names with different distinctive words
    index = Index([Listed(f"{chr(97 + i % 26)}{chr(97 + i // 26)}lorov Plant") for i in range(500)])
    # Then a name is compared with the few sharing a key, not with all of them
    assert len(index.candidates(analyse("Aalorov Plant"))) <= 2  # itself, and "allorov" that sounds the same


def test_screen_command_prints_one_line_per_match(tmp_path, capsys) -> None:
    # Given a watchlist CSV and entries as `exportwatch entries` prints them
    watchlist = tmp_path / "customers.csv"
    watchlist.write_text("name,country,aliases,reference\nAcme Trading Co.,CN,,C-1042\nNobody Ltd,GB,,C-7\n")
    entries = tmp_path / "entries.jsonl"
    entry = {"action": "add", "name": "Zenith Holdings", "aliases": ["ACME Trading Company Limited"], "country": "CN",
             "addresses": [], "license_requirement": None, "license_policy": None, "citation": None}  # fmt: skip
    entries.write_text(json.dumps(entry) + "\n")
    # When it is screened
    assert main(["screen", str(watchlist), str(entries)]) == 0
    # Then the one match says who, which alias, the score and why
    [line] = capsys.readouterr().out.splitlines()
    match = json.loads(line)
    assert match["counterparty"] == "Acme Trading Co." and match["entry"] == "Zenith Holdings"
    assert match["matched"] == "ACME Trading Company Limited" and 0.85 <= match["score"] <= 1 and match["why"]


@pytest.mark.parametrize(
    ("watchlist", "entries", "message"),
    [
        ("country\nCN\n", '{"name": "X"}\n', "no 'name' column"),
        ("name\nAcme\n", "not json\n", "not JSON"),
        ("name\nAcme\n", '{"aliases": []}\n', "with a 'name'"),
    ],
)
def test_screen_command_bad_input_exits_2_with_one_line(tmp_path, capsys, watchlist, entries, message) -> None:
    (tmp_path / "w.csv").write_text(watchlist)
    (tmp_path / "e.jsonl").write_text(entries)
    assert main(["screen", str(tmp_path / "w.csv"), str(tmp_path / "e.jsonl")]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_screen_command_reads_a_spreadsheet_export_with_a_bom(tmp_path, capsys) -> None:
    # Given a watchlist saved by a spreadsheet (UTF-8 with a byte-order mark, "Name" capitalised)
    (tmp_path / "w.csv").write_text("\ufeffName,Reference\nOOO Ромашка,R-1\n", encoding="utf-8")
    (tmp_path / "e.jsonl").write_text(json.dumps({"name": "Romashka LLC", "aliases": []}) + "\n")
    # When it is screened, then the Cyrillic name matches the romanized listed name
    assert main(["screen", str(tmp_path / "w.csv"), str(tmp_path / "e.jsonl")]) == 0
    match = json.loads(capsys.readouterr().out)
    assert (match["counterparty"], match["matched"], match["reference"]) == ("OOO Ромашка", "Romashka LLC", "R-1")
