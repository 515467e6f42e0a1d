"""template.yaml: the real SAM CLI, cfn-lint (with the serverless rules) and checkov, plus its contract with the code.

The tools live in .venv-tools (`make tools`); `make test` puts them on PATH. A missing tool is a
failure, not a skip: these checks are part of what "tests pass" means.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from exportwatch import settings
from exportwatch.aws import store
from tests.helpers import ROOT
from tests.integration.test_locks import LAYER_LOCK, normalize, read_lock

pytestmark = pytest.mark.validate
TOOLS = ROOT / ".venv-tools" / "bin"


def tool(name: str) -> str:
    # The project's own pinned tools first: another cfn-lint on PATH may lack the serverless rules' plugin.
    found = str(TOOLS / name) if (TOOLS / name).exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: run `make tools` (make test does)")
    return found


def run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=540,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0", **(env or {})},
        check=False,
    )


def test_cfn_lint_with_serverless_rules_is_clean(template_file: str) -> None:
    result = run(tool("cfn-lint"), template_file, "-a", "cfn_lint_serverless.rules")
    assert result.returncode == 0, result.stdout + result.stderr


def test_sam_validate_lint_passes(template_file: str) -> None:
    result = run(tool("sam"), "validate", "--lint", "--template-file", template_file)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(params=["customer-managed-key", "aws-managed"])
def template_file(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """template.yaml as deployed in each encryption mode (the parameter's default switched)."""
    if request.param == "customer-managed-key":
        return "template.yaml"
    text = (ROOT / "template.yaml").read_text()
    assert "    Default: customer-managed-key\n" in text
    variant = ROOT / ".aws-sam" / f"template-aws-managed-{tmp_path.name}.yaml"  # CodeUris resolve as for the real one
    variant.parent.mkdir(exist_ok=True)
    variant.write_text(text.replace("    Default: customer-managed-key\n", "    Default: aws-managed\n"))
    return str(variant)


def test_checkov_reports_no_failed_check(template_file: str) -> None:
    result = run(
        tool("checkov"),
        "-f",
        template_file,
        "--framework",
        "cloudformation",
        "--skip-download",
        "--compact",
        "--quiet",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_sam_build_puts_the_package_in_the_layer(tmp_path: Path) -> None:
    # Given Python 3.13 (the Lambda runtime) on PATH, as `make build` arranges through pyenv
    py313 = shutil.which("python3.13")
    if not py313:
        pytest.fail("python3.13 is not on PATH (make test adds $(pyenv root)/versions/3.13.0/bin)")
    # When
    result = run(tool("sam"), "build", "--build-dir", str(tmp_path / "build"), "--cache-dir", str(tmp_path / "cache"))
    # Then
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    layer = tmp_path / "build" / "CoreLayer" / "python"
    assert (layer / "exportwatch" / "classify" / "labels.py").is_file()
    assert (layer / "feedparser").is_dir()
    assert (layer / "aws_lambda_powertools").is_dir()
    # and the layer holds exactly what its lock pins, at the pinned versions (what the tests ran on)
    built = {}
    for dist_info in layer.glob("*.dist-info"):
        name, version = dist_info.name.removesuffix(".dist-info").split("-", 1)
        built[normalize(name)] = version
    assert built == read_lock(LAYER_LOCK)


def test_table_in_the_template_matches_the_store(template: dict[str, Any]) -> None:
    table = template["Resources"]["Table"]["Properties"]
    assert [k["AttributeName"] for k in table["KeySchema"]] == [store.PK, store.SK]
    indexes = {i["IndexName"]: [k["AttributeName"] for k in i["KeySchema"]] for i in table["GlobalSecondaryIndexes"]}
    assert indexes == {
        store.GSI1: [store.GSI1_PK, store.GSI1_SK],
        store.GSI2: [store.GSI2_PK, store.GSI2_SK],
        store.GSI3: [store.GSI3_PK, store.GSI3_SK],
    }
    assert table["TimeToLiveSpecification"]["AttributeName"] == store.TTL_ATTRIBUTE
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"


def test_every_function_has_code_a_sample_event_a_log_group_and_settings_it_can_read(template, monkeypatch) -> None:
    resources = template["Resources"]
    functions = {name: r for name, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}
    log_groups = {
        str(r["Properties"]["LogGroupName"]["Fn::Sub"])
        for r in resources.values()
        if r["Type"] == "AWS::Logs::LogGroup"
    }
    env = dict(template["Globals"]["Function"]["Environment"]["Variables"])
    for name, function in functions.items():
        code = ROOT / function["Properties"]["CodeUri"]
        folder = code.name
        assert (code / "app.py").is_file()
        assert (ROOT / "events" / f"{folder}.json").is_file()
        assert f"/aws/lambda/${{{name}}}" in log_groups
        variables = {**env, **function["Properties"].get("Environment", {}).get("Variables", {})}
        # Then the settings loader accepts exactly these variables
        for key, value in variables.items():
            monkeypatch.setenv(key, value if isinstance(value, str) else "x")
        settings.load.cache_clear()
        assert settings.load().table_name


def _statements(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, resource in template["Resources"].items():
        for policy in resource.get("Properties", {}).get("Policies", []) or []:
            for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
                found.append((name, statement))
    return found


@pytest.mark.parametrize("customer_key", [True, False], ids=["customer-managed-key", "aws-managed"])
def test_function_policies_name_their_actions_and_resources(template: dict[str, Any], customer_key: bool) -> None:
    # Least privilege: no wildcard action, no wildcard resource in any function's own statements
    statements = _statements(resolve(template, customer_key))
    assert statements
    for name, statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert all("*" not in action for action in actions), (name, actions)
        assert statement["Resource"] != "*", name


def resolve(value: Any, customer_key: bool, chat: bool = True) -> Any:
    """The template as CloudFormation deploys it in one encryption (and chat) mode: Fn::If taken, NoValue dropped."""
    if isinstance(value, dict):
        if set(value) == {"Fn::If"}:
            condition, yes, no = value["Fn::If"]
            chosen = {"UseCustomerKey": customer_key, "HasChat": chat}[condition]
            return resolve(yes if chosen else no, customer_key, chat)
        resolved = {k: resolve(v, customer_key, chat) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v != {"Ref": "AWS::NoValue"}}
    if isinstance(value, list):
        values = [resolve(v, customer_key, chat) for v in value]
        return [v for v in values if v != {"Ref": "AWS::NoValue"}]
    return value


@pytest.mark.parametrize("chat", [True, False], ids=["chat", "no-chat"])
def test_the_senders_publish_to_the_chat_topic_only_when_there_is_one(template: dict[str, Any], chat: bool) -> None:
    # Given the template with ChatNotifications enabled or not
    assert template["Parameters"]["ChatNotifications"]["Default"] == "disabled"
    assert (
        template["Resources"]["ChatTopic"]["Condition"] == template["Outputs"]["ChatTopicArn"]["Condition"] == "HasChat"
    )
    resolved = resolve(template, customer_key=True, chat=chat)
    # Then the senders are told the topic, and may publish to it, exactly when it exists
    env = resolved["Globals"]["Function"]["Environment"]["Variables"]
    assert env["CHAT_TOPIC_ARN"] == ({"Ref": "ChatTopic"} if chat else "")
    publishers = {
        name for name, statement in _statements(resolved) if statement.get("Resource") == {"Ref": "ChatTopic"}
    }
    assert publishers == ({"NotifyFunction", "RemindFunction", "DigestFunction"} if chat else set())
    for name, statement in _statements(resolved):
        if statement.get("Resource") == {"Ref": "ChatTopic"}:
            assert statement["Action"] == "sns:Publish", name


def references(value: Any, name: str) -> bool:
    text = json.dumps(value)
    return f'"Ref": "{name}"' in text or f'"Fn::GetAtt": ["{name}"' in text


def test_by_default_the_table_topics_and_queues_are_encrypted_with_the_stacks_key(template: dict[str, Any]) -> None:
    assert template["Parameters"]["Encryption"]["Default"] == "customer-managed-key"
    resources = resolve(template["Resources"], customer_key=True)
    assert resources["Table"]["Properties"]["SSESpecification"]["KMSMasterKeyId"] == {"Ref": "DataKey"}
    for name, resource in resources.items():
        if resource["Type"] in ("AWS::SNS::Topic", "AWS::SQS::Queue"):
            assert resource["Properties"].get("KmsMasterKeyId") == {"Ref": "DataKey"}, name


def test_the_aws_managed_mode_has_no_key_and_still_encrypts_what_holds_data(template: dict[str, Any]) -> None:
    resources = resolve(template["Resources"], customer_key=False)
    # Then nothing refers to the key the mode does not create (CloudFormation would refuse the stack)
    assert template["Resources"]["DataKey"]["Condition"] == "UseCustomerKey"
    assert not [name for name, r in resources.items() if name != "DataKey" and references(r, "DataKey")]
    # and the stores are encrypted with keys AWS owns or manages, except the ops topic's alarm states
    assert resources["Table"]["Properties"]["SSESpecification"] == {"SSEEnabled": False}  # AWS-owned key
    assert resources["AlertsTopic"]["Properties"]["KmsMasterKeyId"] == "alias/aws/sns"
    assert "KmsMasterKeyId" not in resources["OpsTopic"]["Properties"]
    queues = [r for r in resources.values() if r["Type"] == "AWS::SQS::Queue"]
    assert queues and all(q["Properties"]["SqsManagedSseEnabled"] is True for q in queues)


def test_pollers_cannot_write_the_senders_idempotency_records(template: dict[str, Any]) -> None:
    extra = {
        "PollFeedsFunction": set(),
        "PollFederalRegisterFunction": {"DOC#*"},  # DOC#: rule texts read
        "PollEntityListFunction": {"LIST#*"},  # LIST#: the list's snapshot
    }
    for name in extra:
        (statement,) = [
            s
            for _n, s in _statements({"Resources": {name: template["Resources"][name]}})
            if s.get("Sid") == "ItemsStoriesAndFeedState"
        ]
        prefixes = statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
        assert not any(p.startswith("IDEMPOTENCY") for p in prefixes)
        assert set(prefixes) == {"ITEM#*", "STORY#*", "KEY#*", "FEED#*", "WEEK#*"} | extra[name]


def test_schedules_run_as_a_role_that_can_dead_letter_into_the_encrypted_queue(template: dict[str, Any]) -> None:
    resources = resolve(template["Resources"], customer_key=True)
    schedules = [
        event["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::Serverless::Function"
        for event in r["Properties"].get("Events", {}).values()
        if event["Type"] == "ScheduleV2"
    ]
    assert len(schedules) == 5
    assert all(s["RoleArn"] == {"Fn::GetAtt": ["SchedulerRole", "Arn"]} for s in schedules)
    assert all(s["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": ["PollDLQ", "Arn"]} for s in schedules)
    statements = resources["SchedulerRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    kms = next(s for s in statements if s["Sid"] == "EncryptedDeadLetterQueue")
    assert kms["Resource"] == {"Fn::GetAtt": ["DataKey", "Arn"]}


def test_every_queue_has_an_alarm_on_what_waits_in_it(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    queues = {name for name, r in resources.items() if r["Type"] == "AWS::SQS::Queue"}
    watched = {
        dimension["Value"]["Fn::GetAtt"][0]
        for r in resources.values()
        if r["Type"] == "AWS::CloudWatch::Alarm" and r["Properties"].get("Namespace") == "AWS/SQS"
        for dimension in r["Properties"]["Dimensions"]
    }
    assert queues and queues <= watched, queues - watched


TRANSFORM = """
import json, sys
from samtranslator.translator.transform import transform
from samtranslator.public.translator import ManagedPolicyLoader
from samtranslator.yaml_helper import yaml_parse

class Policies(ManagedPolicyLoader):  # offline: no IAM call to list AWS managed policies
    def __init__(self):
        pass
    def load(self):
        return {}

template = yaml_parse(open(sys.argv[1]).read())
for resource in template["Resources"].values():  # as `sam package` leaves them: code uploaded to S3
    for key in ("CodeUri", "ContentUri"):
        if key in resource.get("Properties", {}):
            resource["Properties"][key] = "s3://bucket/code.zip"
print(json.dumps(transform(template, {}, Policies())))
"""


@pytest.fixture(scope="module")
def deployed() -> dict[str, Any]:
    """template.yaml as CloudFormation receives it: expanded by SAM's own translator (from the SAM CLI)."""
    result = run(
        str(TOOLS / "python"), "-c", TRANSFORM, str(ROOT / "template.yaml"), env={"AWS_DEFAULT_REGION": "us-east-1"}
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return dict(json.loads(result.stdout))


def test_notify_reads_the_tables_stream_and_no_other(deployed: dict[str, Any]) -> None:
    resources = deployed["Resources"]
    role = resources["NotifyFunctionRole"]["Properties"]
    # No managed policy that reads every stream in the account (SAM's DynamoDB event adds one)
    assert not any("DynamoDB" in json.dumps(arn) for arn in role.get("ManagedPolicyArns", []))
    stream_actions = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}
    grants = [
        statement
        for policy in role["Policies"]
        for statement in resolve(policy["PolicyDocument"]["Statement"], customer_key=True)
        if stream_actions & set(statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    ]
    assert [g["Resource"] for g in grants] == [{"Fn::GetAtt": ["Table", "StreamArn"]}]
    (mapping,) = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::EventSourceMapping"]
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
    assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["NotifyFailureQueue", "Arn"]}


def test_lambdas_own_retries_of_scheduled_runs_are_what_docs_reliability_says(deployed: dict[str, Any]) -> None:
    # docs/reliability.md: a failed poll is retried by the next schedule (0 retries); remind and digest twice
    configs = {
        r["Properties"]["FunctionName"]["Ref"]: r["Properties"]["MaximumRetryAttempts"]
        for r in deployed["Resources"].values()
        if r["Type"] == "AWS::Lambda::EventInvokeConfig"
    }
    assert configs == {
        "PollFeedsFunction": 0, "PollFederalRegisterFunction": 0, "RemindFunction": 2, "DigestFunction": 2,
        "PollEntityListFunction": 0,
    }  # fmt: skip
    text = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    assert "Lambda's own asynchronous retries" in text


def test_the_list_poller_deletes_only_its_own_snapshot_chunks(template: dict[str, Any]) -> None:
    # The one delete any poller may make: the old chunks of the Entity List snapshot, nothing else
    function = resolve(template["Resources"]["PollEntityListFunction"], customer_key=True)
    statements = _statements({"Resources": {"P": function}})
    deletes = [
        s
        for _n, s in statements
        if "dynamodb:DeleteItem" in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    ]
    assert len(deletes) == 1
    assert deletes[0]["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == [store.LIST_PREFIX + "*"]
