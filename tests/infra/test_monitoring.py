"""Every function in the packaged template is watched (infra/observability.yaml): a log group
with retention, errors and throttles alarms, and for each scheduled one a heartbeat alarm over
its schedule and a failure destination, all to the alerts topic. The function list comes from
the template `make package` writes (tests/support/sam.py), so a new function without them fails
here."""

from __future__ import annotations

import re
from typing import Any

import pytest

from support.sam import functions, packaged_template, schedule_of
from uppsikt import infra
from uppsikt.observability.metrics import METRICS, NAMESPACE

ALERTS = {"Ref": "AlertsTopic"}
UNIT_SECONDS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400}
UNIT_SECONDS["days"] = 86400


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return packaged_template("prod")


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {n: r for n, r in template["Resources"].items() if r["Type"] == kind}


def alarms_on(template: dict[str, Any], namespace: str, metric: str) -> list[dict[str, Any]]:
    return [
        alarm["Properties"]
        for alarm in of_type(template, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"]["Namespace"] == namespace
        and alarm["Properties"]["MetricName"] == metric
    ]


def dimension(alarm: dict[str, Any], name: str) -> Any:
    return next((d["Value"] for d in alarm.get("Dimensions", []) if d["Name"] == name), None)


def seconds(schedule: str) -> int:
    match = re.fullmatch(r"rate\((\d+) (\w+)\)", schedule)
    assert match, schedule
    return int(match[1]) * UNIT_SECONDS[match[2]]


def job_name(function: dict[str, Any]) -> str:
    """The scheduled handler's name (`app.poll` -> `poll`), which `job(...)` in app.py uses."""
    return str(function["Properties"]["Handler"]).rsplit(".", 1)[1]


def test_the_template_has_every_function_chalice_and_functions_yaml_define(
    template: dict[str, Any],
) -> None:
    names = set(functions(template))
    assert {"APIHandler", "Evaluate", "Notify", "Review", "Poll", "Purge"} <= names
    assert len(names) >= 11


def test_every_function_has_a_log_group_named_from_it_with_retention(
    template: dict[str, Any],
) -> None:
    groups = {
        str(g["Properties"]["LogGroupName"].get("Fn::Sub")): g["Properties"]
        for g in of_type(template, "AWS::Logs::LogGroup").values()
        if "LogGroupName" in g["Properties"]  # the API access log group is named by CloudFormation
    }
    for name in functions(template):
        group = groups.get(f"/aws/lambda/${{{name}}}")
        assert group is not None, name
        assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}, name
    assert template["Parameters"]["LogRetentionDays"]["Default"] == 90


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_every_function_has_an_alarm_on_its_errors_and_throttles(
    template: dict[str, Any], metric: str
) -> None:
    watched = {
        dimension(a, "FunctionName")["Ref"]
        for a in alarms_on(template, "AWS/Lambda", metric)
        if ALERTS in a["AlarmActions"]
    }
    assert set(functions(template)) <= watched


def test_every_scheduled_function_has_a_heartbeat_alarm_over_its_schedule(
    template: dict[str, Any],
) -> None:
    heartbeats = {dimension(a, "job"): a for a in alarms_on(template, NAMESPACE, "Heartbeat")}
    scheduled = {n: f for n, f in functions(template).items() if schedule_of(f)}
    assert len(scheduled) >= 7
    for name, function in scheduled.items():
        alarm = heartbeats.get(job_name(function))
        assert alarm is not None, name
        assert alarm["Period"] == seconds(str(schedule_of(function))), name
        assert alarm["TreatMissingData"] == "breaching", name
        assert alarm["ComparisonOperator"] == "LessThanThreshold", name
        assert alarm["Threshold"] == 1, name
        assert ALERTS in alarm["AlarmActions"], name
        # CloudWatch: under an hour's period the evaluation range is at most a day, else 7 days.
        limit = 86400 if alarm["Period"] < 3600 else 7 * 86400
        assert alarm["Period"] * alarm["EvaluationPeriods"] <= limit, name


def test_every_scheduled_function_sends_a_failed_run_to_the_alerts_topic(
    template: dict[str, Any],
) -> None:
    configs = {
        c["Properties"]["FunctionName"]["Ref"]: c["Properties"]
        for c in of_type(template, "AWS::Lambda::EventInvokeConfig").values()
    }
    for name, function in functions(template).items():
        if schedule_of(function):
            destination = configs[name]["DestinationConfig"]["OnFailure"]["Destination"]
            assert destination == ALERTS, name


@pytest.mark.parametrize("queue", ["IngestDeadLetterQueue", "NotifyDeadLetterQueue"])
@pytest.mark.parametrize(
    "metric", ["ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"]
)
def test_both_dead_letter_queues_have_depth_and_age_alarms(
    template: dict[str, Any], queue: str, metric: str
) -> None:
    queues = [dimension(a, "QueueName") for a in alarms_on(template, "AWS/SQS", metric)]
    assert {"Fn::GetAtt": [queue, "QueueName"]} in queues


def test_poll_failures_alarm_on_the_metric_the_poll_job_emits(template: dict[str, Any]) -> None:
    (alarm,) = alarms_on(template, NAMESPACE, "PollFailures")
    assert alarm["TreatMissingData"] == "notBreaching"  # no failures is no data


def test_every_alarm_notifies_the_alerts_topic_and_names_a_metric_we_emit(
    template: dict[str, Any],
) -> None:
    for name, alarm in of_type(template, "AWS::CloudWatch::Alarm").items():
        props = alarm["Properties"]
        assert props["AlarmActions"] == [ALERTS], name
        if props["Namespace"] == NAMESPACE:
            dimensions = {d["Name"] for d in props.get("Dimensions", [])}
            assert set(METRICS[props["MetricName"]]) == dimensions, name


def test_functions_and_apis_are_traced_with_x_ray(template: dict[str, Any]) -> None:
    globals_ = template["Globals"]
    for name, function in functions(template).items():
        tracing = function["Properties"].get("Tracing", globals_["Function"].get("Tracing"))
        assert tracing == "Active", name
    for name, api in of_type(template, "AWS::Serverless::Api").items():
        enabled = api["Properties"].get("TracingEnabled", globals_["Api"].get("TracingEnabled"))
        assert enabled is True, name


def test_observability_adds_resources_only() -> None:
    added = set(infra.load(infra.OBSERVABILITY)["Resources"])
    existing = set(infra.load(infra.RESOURCES)["Resources"]) | set(
        infra.load(infra.FUNCTIONS)["Resources"]
    )
    assert not added & existing


def test_cloudwatch_alarms_can_publish_to_the_encrypted_alerts_topic(
    template: dict[str, Any],
) -> None:
    topic = template["Resources"]["AlertsTopic"]["Properties"]
    key = topic.get("KmsMasterKeyId")
    assert isinstance(key, dict), "an AWS-managed key cannot grant CloudWatch its use"
    (logical,) = (v[0] if isinstance(v, list) else v for v in key.values())
    policy = template["Resources"][logical]["Properties"]["KeyPolicy"]
    principals = [
        s.get("Principal", {}).get("Service") for s in policy["Statement"] if s["Effect"] == "Allow"
    ]
    assert any("cloudwatch.amazonaws.com" in str(p) for p in principals)


def role_statements(template: dict[str, Any], function: dict[str, Any]) -> list[dict[str, Any]]:
    role = function["Properties"]["Role"]["Fn::GetAtt"][0]
    policies = template["Resources"][role]["Properties"]["Policies"]
    return [s for p in policies for s in p["PolicyDocument"]["Statement"]]


def may(statements: list[dict[str, Any]], action: str, resource: Any = None) -> bool:
    for statement in statements:
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        resources = (
            statement["Resource"]
            if isinstance(statement["Resource"], list)
            else [statement["Resource"]]
        )
        if action in actions and (resource is None or resource in resources or "*" in resources):
            return True
    return False


def test_every_scheduled_functions_role_may_publish_its_failed_runs_to_the_alerts_topic(
    template: dict[str, Any],
) -> None:
    # The failure destination is written with the function's own role.
    for name, function in functions(template).items():
        if schedule_of(function):
            assert may(role_statements(template, function), "sns:Publish", ALERTS), name


def test_every_functions_role_may_write_its_traces(template: dict[str, Any]) -> None:
    for name, function in functions(template).items():
        statements = role_statements(template, function)
        assert may(statements, "xray:PutTraceSegments"), name
        assert may(statements, "xray:PutTelemetryRecords"), name
