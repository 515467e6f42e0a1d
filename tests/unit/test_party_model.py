"""The trained choice of a news item's parties: its candidates, its fallback, and what it reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportwatch.classify import classify, party_model
from exportwatch.classify.party_model import Context, _spans, candidates
from exportwatch.models import Item


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("BIS Adds Chengdu Beizhan Electronics, Sandvine to Entity List", ["Chengdu Beizhan Electronics", "Sandvine"]),
        (
            "It hit Armenia's Medisar and Kyrgyzstan's Tro.Ya on Friday.",
            ["Armenia", "Medisar", "Kyrgyzstan", "Tro.Ya"],
        ),
        (
            "Grace Air (Pty) Ltd. and Huawei Technologies Co., Ltd. were added.",
            ["Grace Air (Pty) Ltd.", "Huawei Technologies Co., Ltd."],
        ),
        ("Shares of Wuxi Biologics rose. The Bank of China said so.", ["Wuxi Biologics", "Bank of China"]),
        ("Empresa de Transporte Aereocargo del Sur was denied.", ["Empresa de Transporte Aereocargo del Sur"]),
        ("The U.S. Commerce Department on Monday added iFlytek.", ["iFlytek"]),
        ("US adds 'Sandvine' and ‘Sugon’ to the list", ["Sandvine", "Sugon"]),
        ("Škoda Auto and Ürümqi Tech were named.", ["Škoda Auto", "Ürümqi Tech"]),
        ("China's SMIC and China Mobile were named, über alles.", ["SMIC", "China Mobile"]),
    ],
    ids=[
        "headline-frame",
        "possessive-places",
        "legal-forms",
        "sentence-end-and-of",
        "connectors",
        "agency-day-case",
        "quoted",
        "accented-capitals",
        "a-country-starting-a-name",
    ],
)
def test_candidates_are_runs_of_capitalised_words_cut_at_a_headline_s_frame(line: str, names: list[str]) -> None:
    # When
    found = [name for _start, _end, name, _cut in _spans(line)]
    # Then
    assert found == names


def test_a_candidate_mentioned_twice_is_one_with_the_features_of_both() -> None:
    # Given a party in the title and, by its listed long name, in the lede
    context = Context(
        "US adds SMIC to trade blacklist",
        ("The Commerce Department added Semiconductor Manufacturing International Corporation on Friday.",),
        named=("SMIC",),
        stated=("SMIC",),
        labels=("entity_list.addition",),
    )
    # When
    found = {c.key: c for c in candidates(context)}
    smic = next(c for c in found.values() if "rules" in c.features)
    # Then
    assert smic.mentions == 2
    assert {"seg:t", "seg:s0", "stated", "label:entity_list.addition&rules", "n:2"} <= smic.features
    assert "L1:added" in smic.features and "L1:adds" in smic.features


def test_the_model_keeps_names_in_the_shape_of_parties_the_rules_do_not_read() -> None:
    # Given a lede listing parties in a shape no rule reads ("hit ... along with ...")
    item = Item(
        id="n1",
        title="US export restrictions hit companies from Armenia and Kyrgyzstan",
        published="2023-03-03",
        text="The Commerce Department placed Armenia's Medisar and Kyrgyzstan's Tro.Ya on its Entity List on Thursday, "
        "along with Russia's Kazan Powder Plant, for supplying Russia's military.",
    )
    # When
    rules = classify(item, choose_parties=lambda context: context.named).entities
    chosen = classify(item).entities
    # Then
    assert rules == ()
    assert "Kazan Powder Plant" in chosen
    assert not {"Armenia", "Kyrgyzstan", "Thursday", "Commerce Department"} & set(chosen)


def test_a_federal_register_document_keeps_the_rules_parties() -> None:
    # Given a rule's abstract (its entries come from its text; the model was fitted on news)
    item = Item(
        id="fr:2019-10616",
        title="Addition of Entities to the Entity List",
        text="This final rule amends the EAR by adding Huawei Technologies Co., Ltd. and sixty-eight affiliates.",
        source="federal_register",
        document_number="2019-10616",
        agencies=("Industry and Security Bureau",),
    )
    chosen: list[Context] = []
    # When
    classify(item, choose_parties=lambda context: chosen.append(context) or context.named)
    # Then
    assert chosen == []


def test_without_a_shipped_model_the_rules_parties_stand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given no model file (a build that left it out)
    assert party_model.load(tmp_path / "absent.json") is None
    monkeypatch.setattr(party_model, "load", lambda: None)
    context = Context("US adds Huawei", ("Huawei and Honor were added.",), named=("Huawei",), labels=("x",))
    # When / Then the rules' parties stand
    assert party_model.choose(context) == ("Huawei",)


def test_the_shipped_model_is_trained_and_read() -> None:
    model = party_model.load()
    assert model is not None
    assert 0.2 <= model.linear.threshold <= 0.7
    assert model.linear.weights["rules"] > 0


def test_names_in_an_aside_on_what_was_done_before_are_no_parties() -> None:
    # Given licences news whose lede recalls, in an aside, whom the department blacklisted before (a demo sample)
    context = Context(
        "Senators Call For Commerce Department To Stop Licensing Tech Sales to Huawei",
        (
            "The department, which has blacklisted several Chinese tech companies including Dahua Technology and "
            "Hikvision, announced on Wednesday that it has begun granting licenses to American companies.",
        ),
        named=("Huawei", "Dahua Technology"),
        labels=("license.decision",),
    )
    # When
    found = {c.name: c for c in candidates(context)}
    # Then the aside's names are candidates only where the rules read them, never from the aside's words
    assert "Hikvision" not in found
    assert found["Dahua Technology"].features == {
        "rules",
        "n:0",
        "label:license.decision",
        "label:license.decision&rules",
    }


def test_an_aside_listing_earlier_targets_reaches_past_its_list() -> None:
    # Given an aside that lists what the department blacklisted before, then the news
    context = Context(
        "US adds Inspur Group and Sugon to trade blacklist",
        (
            "The Commerce Department, which has blacklisted Huawei, ZTE and Hikvision, on Friday added Inspur Group "
            "and Sugon to the Entity List.",
        ),
        labels=("entity_list.addition",),
    )
    # When
    found = {c.name for c in candidates(context)}
    # Then the aside's names are no candidates, the news's are
    assert not {"Huawei", "ZTE", "Hikvision"} & found
    assert {"Inspur Group", "Sugon"} <= found
