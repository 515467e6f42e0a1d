"""The Lambda layer holds only what the handlers import: no command line, demo, local stack or evaluation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

PACKAGE = ROOT / "layers" / "core" / "exportwatch"
# The rule-text parser serves `exportwatch entries` today; polling fetches rule text next (issue: who is named).


def layer_modules() -> set[str]:
    modules = set()
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        modules.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


# Imported on the first item a poller classifies, not with the handler: a poll that brings nothing new pays nothing
# for the rule tables and the model's code (the cold-start budget in docs/architecture.md).
ON_FIRST_USE = {"exportwatch.classify.labels", "exportwatch.classify.rules", "exportwatch.classify.model"}


def test_every_module_of_the_layer_is_imported_by_a_handler() -> None:
    # Given a fresh interpreter that imports the five handlers, as Lambda's containers do, then classifies one item
    handlers = sorted(p.parent.name for p in (ROOT / "functions").glob("*/app.py"))
    code = (
        "import importlib, json, sys\n"
        f"for name in {handlers!r}: importlib.import_module(f'functions.{{name}}.app')\n"
        "watched = ('exportwatch', 'exportwatch_cli', 'yaml', 'moto')\n"
        "def loaded(): return sorted(m for m in sys.modules if m.split('.')[0] in watched)\n"
        "at_import = loaded()\n"
        "from exportwatch.classify import classify\n"
        "from exportwatch.models import Item\n"
        "classify(Item(id='a', title='Commerce adds two firms to the Entity List'))\n"
        "print(json.dumps([at_import, loaded()]))"
    )
    env_path = f"{ROOT}:{ROOT / 'layers' / 'core'}"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": env_path, "POWERTOOLS_METRICS_NAMESPACE": "Test", "PATH": "/usr/bin:/bin"},
        cwd=Path("/"),
    )
    at_import, imported = (set(found) for found in json.loads(result.stdout))
    # Then every module of the layer is needed by a handler, the classifier's only once it classifies,
    # and nothing of the dev tools is
    assert layer_modules() - imported == set()
    assert not ON_FIRST_USE & at_import
    assert not {m for m in imported if not m.startswith("exportwatch.") and m != "exportwatch"}
