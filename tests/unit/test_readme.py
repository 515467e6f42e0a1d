"""The README's parameter table answers for every parameter ``sam deploy --guided`` asks for."""

from __future__ import annotations

import re

from exportwatch_cli.local import load_template
from tests.helpers import ROOT


def test_every_template_parameter_is_in_the_readme_parameter_table() -> None:
    # Given the template's parameters and the first column of the README's parameter table
    parameters = set(load_template(ROOT / "template.yaml")["Parameters"])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| parameter | default | what |", 1)[1].split("\n\n", 1)[0]
    rows = [line.split("|")[1] for line in table.splitlines() if line.startswith("| ")]
    documented = {name for cell in rows for name in re.findall(r"`(\w+)`", cell)}
    # Then none is left out (a deployer would meet it unexplained)
    assert parameters - documented == set()
