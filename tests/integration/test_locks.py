"""The dependency locks keep their promise: hashed pins, tests run against what deploys.

`make lock` compiles the ranges (layers/core/requirements.in, pyproject.toml, requirements-tools.in,
requirements/bootstrap.in) into the locks below; `sam build` installs the layer's lock and
`make install` / `make tools` install the others with --require-hashes. No network here: these
tests read the files and the running environment.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

from tests.helpers import ROOT

LAYER_IN = ROOT / "layers" / "core" / "requirements.in"
LAYER_LOCK = ROOT / "layers" / "core" / "requirements.txt"
DEV_LOCK = ROOT / "requirements" / "dev.txt"
TOOLS_IN = ROOT / "requirements-tools.in"
TOOLS_LOCK = ROOT / "requirements" / "tools.txt"
BOOTSTRAP_IN = ROOT / "requirements" / "bootstrap.in"
BOOTSTRAP_LOCK = ROOT / "requirements" / "bootstrap.txt"
LOCKS = [LAYER_LOCK, DEV_LOCK, TOOLS_LOCK, BOOTSTRAP_LOCK]
# What the functions import from the layer; the rest of the layer lock is what these need.
RUNTIME = ("aws-lambda-powertools", "feedparser")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_entries(path: Path) -> list[str]:
    """A lock's requirements, one string each, with their continuation lines joined."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def read_lock(path: Path) -> dict[str, str]:
    """Normalized package name -> pinned version."""
    pins = {}
    for entry in lock_entries(path):
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)(?:\s+--hash=\S+)*", entry)
        assert match, f"{path.name}: not a plain pin with hashes: {entry[:120]}"
        pins[normalize(match[1])] = match[2]
    return pins


def ranges(path: Path) -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [Requirement(line) for line in lines if line]


def pyproject_ranges() -> list[Requirement]:
    project: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        found += [Requirement(r) for r in extra if normalize(Requirement(r).name) != normalize(project["name"])]
    return found


@pytest.mark.parametrize("lock", LOCKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_requirement_of_every_lock_is_pinned_with_a_sha256_hash(lock: Path) -> None:
    entries = lock_entries(lock)
    assert entries
    for entry in entries:
        assert "--hash=sha256:" in entry, f"{lock.name}: no hash: {entry[:120]}"
        assert "==" in entry.split()[0], f"{lock.name}: not pinned: {entry[:120]}"
    assert len(read_lock(lock)) == len(entries)


def test_the_layer_lock_holds_the_runtime_dependencies_and_not_boto3() -> None:
    layer = read_lock(LAYER_LOCK)
    assert set(RUNTIME) <= set(layer)
    # boto3 comes with the Lambda runtime: a second copy in the layer would shadow it
    assert not {"boto3", "botocore"} & set(layer)


def test_packages_in_both_the_layer_and_the_dev_lock_have_the_same_version() -> None:
    layer, dev = read_lock(LAYER_LOCK), read_lock(DEV_LOCK)
    assert set(RUNTIME) <= set(dev)
    # every package of the layer is tested: none missing from the dev lock, none at another version
    assert {name: dev.get(name) for name in layer} == layer


@pytest.mark.parametrize(
    ("inputs", "lock"),
    [
        (LAYER_IN, LAYER_LOCK),
        (TOOLS_IN, TOOLS_LOCK),
        (BOOTSTRAP_IN, BOOTSTRAP_LOCK),
        (None, DEV_LOCK),
    ],
    ids=["layer", "tools", "bootstrap", "dev"],
)
def test_each_lock_pins_every_package_of_its_ranges_within_the_range(inputs: Path | None, lock: Path) -> None:
    # A range edited without `make lock` shows here
    pins = read_lock(lock)
    for requirement in ranges(inputs) if inputs else pyproject_ranges():
        name = normalize(requirement.name)
        assert name in pins, f"{name} is in the ranges but not in {lock.name}: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{lock.name} pins {name}=={pins[name]}, outside {requirement.specifier}: run `make lock`"
        )


def test_the_layer_lock_is_compiled_for_the_functions_runtime_and_architecture(template: dict[str, Any]) -> None:
    functions = template["Globals"]["Function"]
    layer = template["Resources"]["CoreLayer"]
    assert functions["Runtime"] == layer["Metadata"]["BuildMethod"] == "python3.13"
    assert functions["Architectures"] == [layer["Metadata"]["BuildArchitecture"]] == ["arm64"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^LAYER_TARGET := (.*)$", makefile, re.MULTILINE)
    assert target
    assert target[1].split() == ["--python-version", "3.13", "--python-platform", "aarch64-manylinux_2_28"]


def test_the_tests_run_against_the_versions_that_deploy() -> None:
    dev = read_lock(DEV_LOCK)
    layer = read_lock(LAYER_LOCK)
    for name in RUNTIME:
        assert metadata.version(name) == dev[name] == layer[name], name


def test_the_running_environment_is_the_dev_lock() -> None:
    dev = read_lock(DEV_LOCK)
    installed = {name: _version(name) for name in dev}
    assert installed == dev, "the environment differs from requirements/dev.txt: run `make install`"


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
