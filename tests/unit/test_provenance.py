"""Provenance notes a maintainer can follow: a public URL or a repository path, never a local one."""

from __future__ import annotations

import re
import subprocess

from tests.helpers import ROOT

# Spelled in pieces so that this file does not match itself.
LOCAL = re.compile("|".join([r"/wo" + r"rk/", r"search " + "corpus", r"corpus '" + r"(?:pages|code)'", r"/ro" + "ot/"]))


def test_no_file_names_a_development_machine_path_or_a_lookup_tool() -> None:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    offenders = [
        name
        for name in files
        if (ROOT / name).is_file() and LOCAL.search((ROOT / name).read_text(encoding="utf-8", errors="ignore"))
    ]
    assert offenders == []
