"""The command-line contract (ARCHITECTURE.md): names, arguments, JSON shapes, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources

from exportwatch_cli.local import Route, SampleServer
from tests.helpers import CORPUS, FIXTURES, ROOT

CLI = [sys.executable, "-m", "exportwatch_cli.main"]


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_classify_streams_one_line_per_input_line_with_errors_inline() -> None:
    # Given two good lines around a broken one
    lines = [
        json.dumps(
            {
                "id": "a",
                "title": "Addition of Entities to the Entity List",
                "text": "",
                "source": "federal_register",
                "agencies": ["Industry and Security Bureau"],
            }
        ),
        "{not json",
        json.dumps({"id": "b", "title": "IRS extends tax deadline", "text": ""}),
    ]
    # When
    result = run("classify", "-", stdin="\n".join(lines) + "\n")
    # Then
    assert result.returncode == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "b"]
    assert out[0]["labels"] == ["entity_list.addition"]
    contract = {"id", "labels", "severity", "entities", "countries", "dates", "evidence"}
    assert set(out[0]) == contract | {"aliases"}  # the contract's keys, extended by the aliases kept
    assert "error" in out[1]
    assert out[2]["labels"] == [] and out[2]["severity"] is None
    # and the bad line is said on stderr too, once, with its number
    assert result.stderr.splitlines() == [f"exportwatch classify: {out[1]['error']}"]
    assert out[1]["error"].startswith("line 2: ")


def test_cluster_gives_the_seeds_one_story_id() -> None:
    result = run("cluster", str(CORPUS / "seeds.jsonl"))
    assert result.returncode == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3 and all(set(r) == {"id", "story_id"} for r in rows)
    assert len({r["story_id"] for r in rows}) == 1


def test_parse_feed_file_and_url() -> None:
    sample = resources.files("exportwatch_cli") / "samples" / "news.xml"
    from_file = run("parse-feed", str(sample))
    with SampleServer({"/feed.xml": Route(sample.read_bytes(), "application/rss+xml")}) as server:
        from_url = run("parse-feed", f"{server.base}/feed.xml", env={"EXPORTWATCH_ALLOW_LOOPBACK": "1"})
    assert from_file.returncode == 0 and from_url.returncode == 0
    items = [json.loads(line) for line in from_file.stdout.splitlines()]
    assert len(items) == 6 and items[0]["source"] == "news"
    assert [json.loads(line)["id"] for line in from_url.stdout.splitlines()] == [i["id"] for i in items]


def test_parse_feed_unusable_input_is_one_line_on_stderr_and_exit_2() -> None:
    for target in (
        str(FIXTURES / "feeds" / "bad-html.xml"),
        str(FIXTURES / "feeds" / "bad-billion-laughs.xml"),
        "/no/such/file.xml",
        "http://169.254.169.254/latest/meta-data/",
    ):
        result = run("parse-feed", target)
        assert result.returncode == 2, target
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_eval_prints_a_table_and_json() -> None:
    table = run("eval", str(CORPUS / "seeds.jsonl"))
    as_json = run("eval", "--json", str(CORPUS / "seeds.jsonl"))
    assert table.returncode == 0 and "macro-F1" in table.stdout
    report = json.loads(as_json.stdout)
    assert report["labels"]["license.decision"]["support"] == 3
    assert {"macro_f1", "false_alarm_rate", "negatives"} <= set(report)


def test_demo_json_prints_one_line_per_message() -> None:
    result = run("demo", "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines and all({"subscriber", "protocol", "body", "story_id", "labels"} <= set(line) for line in lines)
    huawei = [line for line in lines if line["subscriber"] == "compliance-team" and "Huawei" in line["subject"]]
    assert len(huawei) == 1


def test_eval_title_only_reads_the_title_alone(tmp_path) -> None:
    # Given an item whose action only its text states
    gold = tmp_path / "gold.jsonl"
    record = {"id": "a", "title": "Huawei news", "text": "Commerce added Huawei to the Entity List on Thursday."}
    gold.write_text(json.dumps({**record, "labels": ["entity_list.addition"]}) + "\n", encoding="utf-8")
    # When it is scored on its whole text, then on its title alone (as public inspection first shows a document)
    whole = json.loads(run("eval", "--json", str(gold)).stdout)
    title = json.loads(run("eval", "--json", "--title-only", str(gold)).stdout)
    # Then only the title alone misses it
    assert (whole["misses"], title["misses"]) == (0, 1)


HUAWEI = {"title": "Commerce adds Huawei to the Entity List", "text": "Huawei was added to the Entity List."}
SURROGATE = '{"id": "a\\ud800", "title": "Commerce adds Huawei to the Entity List"}'
DEEP = "[" * 100_000 + "]" * 100_000


def test_classify_and_cluster_answer_a_lone_surrogate_or_deep_nesting_with_an_error_line_and_go_on() -> None:
    # Given a lone surrogate escape, then very deep nesting, then a good line
    good = json.dumps({"id": "good", **HUAWEI})
    for command in ("classify", "cluster"):
        # When
        result = run(command, "-", stdin="\n".join([SURROGATE, DEEP, good]) + "\n")
        # Then no traceback, one line per input line, errors in place, the good line answered
        assert result.returncode == 0 and "Traceback" not in result.stderr, (command, result.stderr[-500:])
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        assert [line["id"] for line in lines] == [None, None, "good"], command
        assert "surrogate" in lines[0]["error"] and "nested" in lines[1]["error"]


def test_eval_and_cluster_eval_refuse_deep_nesting_an_empty_file_and_lines_that_are_not_objects(tmp_path) -> None:
    # Given unusable files: deep nesting, nothing at all, and a line that is not an object among good ones
    deep, empty, scalar = tmp_path / "deep.jsonl", tmp_path / "empty.jsonl", tmp_path / "scalar.jsonl"
    deep.write_text(DEEP + "\n", encoding="utf-8")
    empty.write_text("\n", encoding="utf-8")
    gold = {**HUAWEI, "labels": ["entity_list.addition"], "story": "s1"}
    scalar.write_text(json.dumps({"id": "a", **gold}) + "\n[1, 2]\n" + json.dumps({"id": "b", **gold}) + "\n")
    cases = [("eval", deep), ("eval", empty), ("cluster-eval", deep), ("cluster-eval", empty), ("cluster-eval", scalar)]
    for command, path in cases:
        # When
        result = run(command, str(path))
        # Then one line on stderr and exit 2, never a perfect score
        assert result.returncode == 2, (command, path.name, result.stdout[-300:])
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr[-300:]
        assert result.stdout == ""
    assert "line 2" in run("cluster-eval", str(scalar)).stderr


def test_entries_reads_every_row_of_a_600_entry_table(tmp_path) -> None:
    # Given a generated rule whose table adds 600 parties (the five columns of Supplement No. 4 to part 744)
    rows = "".join(
        f"<tr><td>CHINA, PEOPLE'S REPUBLIC OF</td><td>Example Trading Company {n}, Building {n}, Shenzhen.</td>"
        "<td>For all items subject to the EAR. (See §744.11 of the EAR).</td><td>Presumption of denial.</td>"
        "<td>84 FR 22963, 5/21/19.</td></tr>"
        for n in range(600)
    )
    rule = tmp_path / "rule.html"
    rule.write_text(f"<p>Supplement No. 4 to part 744 is amended by adding 600 entities.</p><table>{rows}</table>")
    # When
    result = run("entries", str(rule))
    # Then every entry is printed, the 600th included
    names = [json.loads(line)["name"] for line in result.stdout.splitlines()]
    assert len(names) == 600 and names[-1].startswith("Example Trading Company 599")
