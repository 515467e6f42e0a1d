"""`make train` rebuilds the shipped model byte for byte: fixed folds and seeds, rounded weights, sorted keys.

The test fits with the shipped model's choice of C and smoothing (``--reuse-choice``): the grid search around it
takes minutes and only chooses those two numbers, which the model's metadata records. Slow even so (seconds of
scikit-learn per fold); it needs the dev extra, which `make install` provides.
"""

from __future__ import annotations

from pathlib import Path

from exportwatch.classify import model as trained
from exportwatch_cli import train


def test_training_reproduces_the_shipped_model(tmp_path: Path) -> None:
    # When
    out = tmp_path / "model.json"
    assert train.main(["--out", str(out), "--reuse-choice"]) == 0
    # Then
    assert out.read_bytes() == trained.MODEL_PATH.read_bytes()


def test_party_training_reproduces_the_shipped_party_model(tmp_path: Path) -> None:
    from exportwatch.classify import party_model
    from exportwatch_cli import train_parties

    # When
    out = tmp_path / "party_model.json"
    assert train_parties.main(["--out", str(out)]) == 0
    # Then
    assert out.read_bytes() == party_model.MODEL_PATH.read_bytes()
