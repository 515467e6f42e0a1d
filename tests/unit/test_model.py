"""The trained half of the classifier: the shipped weights, their arithmetic and the decision they make.

Reproduce the model: `make train` (scikit-learn; 5-fold cross-validation with fixed seeds).
"""

from __future__ import annotations

import json
import math

from exportwatch.classify import classify
from exportwatch.classify import model as trained
from exportwatch.models import LABELS, Item
from exportwatch_cli.train import TRAINING, UNTUNED, data_hash

MAX_MODEL_BYTES = 2_000_000


def _model(gate_bias: float, sure: float = 0.6, ruled_floor: float = 0.0) -> trained.Model:
    # A gate that opens on "added" alone, and two labels that respond to "entity list" and "license"; every other
    # label has probability 1 / (1 + e^3), about 0.047.
    gate = trained.Linear(gate_bias, {"added": 4.0}, 0.5)
    labels = {label: trained.Linear(-3.0, {}, 0.5) for label in LABELS}
    labels["entity_list.addition"] = trained.Linear(-1.0, {"entity list": 6.0}, 0.5)
    labels["license.policy"] = trained.Linear(-1.0, {"license": 6.0}, 0.5)
    return trained.Model(gate, labels, sure, {}, ruled_floor)


def test_the_shipped_model_is_small_and_was_trained_on_the_current_training_files() -> None:
    # Given
    size = trained.MODEL_PATH.stat().st_size
    meta = trained.load().meta
    # Then: a changed training file needs `make train`
    assert size < MAX_MODEL_BYTES
    assert meta["training_sha256"] == data_hash()
    assert meta["training_files"] == [p.relative_to(TRAINING[0].parents[3]).as_posix() for p in TRAINING]
    assert all(path in TRAINING for path in UNTUNED)


def test_the_shipped_model_has_a_gate_and_every_label() -> None:
    model = trained.load()
    assert set(model.labels) == set(LABELS)
    assert 0 < model.relevance.threshold <= model.sure <= 1
    assert all(0 < linear.threshold < 1 and linear.weights for linear in model.labels.values())


def test_cross_validated_figures_are_stored_with_the_model() -> None:
    cv = trained.load().meta["cv"]
    assert isinstance(cv, dict)
    assert cv["folds"] == 5
    assert cv["with_rules_untuned_items"]["items"] >= 100
    # Held as floors: a retraining that does worse on unseen folds fails here.
    # 0.825 on 941 untuned items since five more files of ledes joined them (0.780 on 346 before; held-out news
    # rose from 0.740 to 0.805 with them).
    # 0.857 once the rules' labels needed the model's leave (ruled_floor) and the actor joined the features.
    # Features scaled by their naive-Bayes log-count ratio: 0.879 hybrid on 1,198 untuned ledes (0.863 before)
    assert cv["with_rules_untuned_items"]["macro_f1"] >= 0.87
    # 0.875 on 1,646 items with the log-count ratios (0.854 before; 0.844 before the actor feature); 0.868 on 2,096
    # with 378 harder ledes (actions second hand and in other words: 0.781 on them cross-validated).
    assert cv["model_alone_all_items"]["macro_f1"] >= 0.86


def test_margin_is_the_bias_plus_the_weights_over_the_vector_length() -> None:
    # Given binary features, two of them known
    linear = trained.Linear(-1.0, {"a": 2.0, "b": 1.0}, 0.5)
    found = {"a", "b", "c", "d"}
    # Then the L2-normalised vector has 1/sqrt(4) in every present feature
    assert linear.margin(found) == -1.0 + 3.0 / 2
    assert math.isclose(linear.probability(found), 1 / (1 + math.exp(-0.5)))
    assert linear.margin(set()) == -1.0


def test_a_closed_gate_gives_no_labels_even_where_the_rules_found_some() -> None:
    assert _model(gate_bias=-10.0).predict({"added", "entity list"}, ["entity_list.addition"]) == []


def test_on_a_bis_document_the_rules_label_where_the_gate_stays_shut() -> None:
    # Given a gate that stays shut, and the rules' labels
    model, ruled = _model(gate_bias=-10.0), ["entity_list.revision"]
    # Then a BIS document takes the rules' labels, anything else none; with no rule evidence, none either
    assert model.predict({"agency=bis", "revision"}, ruled) == ["entity_list.revision"]
    assert model.predict({"agency=other", "revision"}, ruled) == []
    assert model.predict({"agency=bis", "revision"}, []) == []


def test_a_public_inspection_title_alone_is_labelled_by_the_rules() -> None:
    # Given BIS documents on public inspection, which come with their title only
    def labels(title: str) -> tuple[str, ...]:
        item = Item(
            id="pi:2021-27407", title=title, source="federal_register", stage="public_inspection", type="Rule",
            agencies=("Industry and Security Bureau",), published="2021-12-17",
        )  # fmt: skip
        return classify(item).labels

    # Then the action their title states is found, and an administrative notice stays unlabelled
    assert labels("Revision of Entries on the Entity List") == ("entity_list.revision",)
    assert labels("Addition of Certain Entities to the Entity List") == ("entity_list.addition",)
    assert labels("Sensors and Instrumentation Technical Advisory Committee; Notice of Partially Closed Meeting") == ()


def test_another_agencys_export_control_title_is_labelled_by_the_rules_and_its_sanctions_notices_are_not() -> None:
    # Given documents of State, the NRC and OFAC, by their titles (as public inspection shows them)
    def labels(title: str, agency: str) -> tuple[str, ...]:
        item = Item(
            id="pi:2024-00001", title=title, source="federal_register", agencies=(agency,), published="2024-01-02"
        )
        return classify(item).labels

    # Then the ITAR's and the Arms Export Control Act's frames, and the export of nuclear equipment (imports beside
    # it), are other export controls, as docs/labels.md says
    state, nrc, ofac = "State Department", "Nuclear Regulatory Commission", "Foreign Assets Control Office"
    debarment = "Notice of Statutory Debarment Under the Arms Export Control Act and the International Traffic in Arms"
    assert labels(debarment + " Regulations", state) == ("other_export_control",)
    assert labels("Export and Import of Nuclear Equipment and Material; Updates", nrc) == ("other_export_control",)
    # ... while the same agencies' collections and meetings, imports alone and sanctions notices are not
    assert labels("Information Collection: Export and Import of Nuclear Equipment and Material", nrc) == ()
    assert labels("Import of Radioactive Waste; Notice", nrc) == ()
    assert labels("Notice of OFAC Sanctions Actions", ofac) == ()
    assert not trained.rules_suffice({"agency=other", "t:notice", "t:ofac", "t:export"})


def test_an_unsure_gate_needs_the_rules_to_agree() -> None:
    # Given a gate probability between its threshold (0.5) and sure (0.99)
    model = _model(gate_bias=-1.0, sure=0.99)
    found = {"added", "entity list"}
    assert 0.5 < model.relevance.probability(found) < 0.99
    # Then the model alone stays silent, and with the rules it alerts with both sets of labels
    assert model.predict(found) == []
    assert model.predict(found, ["license.decision"]) == ["entity_list.addition", "license.decision"]


def test_a_label_the_rules_found_counts_only_where_the_model_allows_it() -> None:
    # Given rules that found license.decision, which the model gives about 0.047, under a floor of 0.1
    found = {"added", "entity list"}
    ruled = ["license.decision", "license.policy"]
    sure_gate, unsure_gate = _model(3.0, ruled_floor=0.1), _model(-1.0, sure=0.99, ruled_floor=0.1)
    # Then it joins no alert, and vouches for no unsure gate; a label above the floor still does both
    assert sure_gate.predict(found, ["license.decision"]) == ["entity_list.addition"]
    assert unsure_gate.predict(found, ["license.decision"]) == []
    assert unsure_gate.predict(found | {"license"}, ruled) == ["entity_list.addition", "license.policy"]
    assert _model(3.0).predict(found, ["license.decision"]) == ["entity_list.addition", "license.decision"]


def test_an_open_gate_gives_the_labels_above_threshold_or_else_the_likeliest() -> None:
    model = _model(gate_bias=3.0)
    assert model.predict({"added", "license"}) == ["license.policy"]
    assert model.predict({"added", "unknown"}) in (["entity_list.addition"], ["license.policy"])


def test_features_mark_the_title_words_and_read_only_the_lede_of_news() -> None:
    # Given
    body = [f"Sentence {n} adds entities." for n in range(10)]
    lines = trained.scope("Commerce adds", body, "news")
    found = trained.features(lines, "news")
    # Then
    assert len(lines) == 1 + trained.NEWS_LEDE_SENTENCES
    assert {"t:commerce", "t:adds", "commerce adds", "source=news", "sentence #", "adds entities"} <= found
    assert "t:commerce adds" not in found  # word pairs of the title count as of any line
    # The first words of the title and of the lede, who acts in most news, are marked; later lines' are not
    assert {feature for feature in found if feature.startswith("s:")} == {"s:commerce", "s:sentence"}
    assert "agency=bis" in trained.features(["t"], "federal_register", ["Industry and Security Bureau"])


def test_the_model_file_is_plain_json_with_sorted_keys() -> None:
    # Deterministic output: the same training data gives the same bytes.
    text = trained.MODEL_PATH.read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"


def test_a_teaser_with_no_word_of_any_action_gets_no_guessed_label() -> None:
    # Given a feed's teaser: its headline names the Commerce Department, its text says nothing
    item = Item(id="t", title="Commerce Department news", text="Read the full story on our site.")
    model = trained.load()
    lines = trained.scope(item.title, [item.text], item.source)
    chances = model.chances(trained.features(lines, item.source))
    # When the gate opens on the headline's words, though no label reaches its own threshold
    assert model.gate_open(chances)
    assert all(chances[label] < linear.threshold for label, linear in model.labels.items())
    # Then no label is guessed: nothing in it is a word any action needs
    assert classify(item).labels == ()
    assert model.decide(chances, worded=True) and not model.decide(chances, worded=False)
