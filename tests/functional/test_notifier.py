"""The notifier on the embedded AWS: flags and alerts from the topics, through the notify queue,
to local receivers that record what Slack and Teams would get, to SES, and to the dead-letter
queue with a reason when a channel fails."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from app import evaluate, notify
from support.channel_shapes import adaptive_card_problems, block_kit_problems
from support.paths import EVENTS
from support.stack import Stack, sqs_event, sqs_record
from uppsikt import runtime
from uppsikt.adapters.notify import NotifyTable, build_notifier, put_webhook_secret
from uppsikt.adapters.sns import Topic
from uppsikt.cli.main import cli
from uppsikt.local.lambda_context import LocalContext
from uppsikt.local.receiver import Receiver
from uppsikt.model.verdict import Severity
from uppsikt.notify.routing import next_digest
from uppsikt.notify.service import Notifier
from uppsikt.notify.subscriptions import QuietHours
from uppsikt.notify.teams import PAYLOAD_LIMIT
from uppsikt.operations.notify import add_recipient

BASE = "https://uppsikt.example.org/api"
SENDER = "uppsikt@seko.example"
# A legal flag (a CPR number) and its neighbours, on Seko's Facebook page.
FEED = EVENTS / "meta" / "facebook-feed-comments.json"
NEVER = ("211062", "5629", "http://127.0.0.1")


def midday_today() -> datetime:
    """11:00 UTC today (noon or one in Stockholm): inside "00:00-23:59" and hours from the
    digest's 08:00, so the notifier's clock cannot fall on an edge these tests name."""
    return datetime.now(UTC).replace(hour=11, minute=0, second=0, microsecond=0)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


@pytest.fixture
def notifying(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Stack:
    """The stack with deep links, an SES identity, and webhooks to loopback allowed."""
    for name, value in {
        "UPPSIKT_PUBLIC_BASE_URL": BASE,
        "UPPSIKT_NOTIFY_SENDER": SENDER,
        "UPPSIKT_NOTIFY_ALLOW_LOOPBACK_HTTP": "true",
    }.items():
        monkeypatch.setenv(name, value)
    stack.settings = stack.settings.model_copy(
        update={
            "public_base_url": BASE,
            "notify_sender": SENDER,
            "notify_allow_loopback_http": True,
        }
    )
    stack.rt = runtime.Runtime(stack.settings, stack.session)
    runtime.install(stack.rt)
    stack.rt.ses.verify_email_identity(EmailAddress=SENDER)
    return stack


def quick_notifier(stack: Stack, sleeps: list[float]) -> Notifier:
    s = stack.settings
    assert s.notify_table
    assert s.notify_dlq_url
    return build_notifier(
        dynamodb=stack.rt.dynamodb,
        secretsmanager=stack.rt.secretsmanager,
        sqs=stack.rt.sqs,
        ses=stack.rt.ses,
        table=s.notify_table,
        dlq_url=s.notify_dlq_url,
        sender=SENDER,
        public_base_url=BASE,
        allow_loopback_http=True,
        sleep=sleeps.append,
    )


def drain(stack: Stack, url: str) -> list[dict[str, Any]]:
    """Every message on a queue, as Lambda's SQS records (attributes included), taken off it."""
    records: list[dict[str, Any]] = []
    while batch := stack.rt.sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    ).get("Messages", []):
        for m in batch:
            records.append(
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": {"ApproximateReceiveCount": "1"},
                    "messageAttributes": {
                        k: {"stringValue": v["StringValue"], "dataType": v["DataType"]}
                        for k, v in m.get("MessageAttributes", {}).items()
                    },
                    "eventSource": "aws:sqs",
                }
            )
            stack.rt.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return records


def dead_letters(stack: Stack) -> list[dict[str, Any]]:
    assert stack.settings.notify_dlq_url
    return [
        {
            "body": json.loads(r["body"]),
            **{
                k.removeprefix("uppsikt-"): v["stringValue"]
                for k, v in r["messageAttributes"].items()
            },
        }
        for r in drain(stack, stack.settings.notify_dlq_url)
    ]


def flag_through_evaluation(stack: Stack) -> list[dict[str, Any]]:
    """Post the feed, evaluate it; returns the notify queue's records (flags published)."""
    stack.publish_policy()
    stack.post_meta(FEED.read_bytes())
    bodies = stack.take_queued()
    result = evaluate(sqs_event(*(sqs_record(b) for b in bodies)), LocalContext("t"))
    assert result == {"batchItemFailures": []}
    assert stack.settings.notify_queue_url
    return drain(stack, stack.settings.notify_queue_url)


def test_a_legal_flag_reaches_slack_at_once_as_block_kit_with_a_deep_link_and_no_raw_data(
    notifying: Stack, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_recipient(
        notifying.rt,
        "seko",
        "slack",
        webhook_url=receiver.url("/slack/seko"),
        recipient_id="compliance",
        lang="da",
        quiet_hours=QuietHours.parse("00:00-23:59"),  # quiet all day: legal still comes
    )
    records = flag_through_evaluation(notifying)
    assert records, "evaluation published no flag to the notifier's queue"
    # The quiet hours end at 23:59, exclusive: at 23:59 the mandatory flags would come too.
    monkeypatch.setattr(runtime, "utcnow", midday_today)
    result = notify({"Records": records}, LocalContext("t"))
    assert result == {"batchItemFailures": []}
    (payload,) = receiver.at("/slack/seko")  # only the legal flag interrupts
    assert block_kit_problems(payload) == []
    text = json.dumps(payload, ensure_ascii=False)
    assert "Lovkrav" in text
    (button,) = payload["blocks"][-1]["elements"]
    assert button["url"].startswith(f"{BASE}/console/#/orgs/seko/flags/F-")
    assert not [n for n in NEVER if n in text]


def test_an_advisory_alert_waits_for_the_digest_which_teams_gets_at_eight_local_time(
    notifying: Stack, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    board = add_recipient(
        notifying.rt,
        "seko",
        "teams",
        webhook_url=receiver.url("/teams/seko?sig=SECRET"),
        recipient_id="board",
        lang="sv",
        flags_from=Severity.ADVISORY,
    )
    topic = Topic(notifying.rt.sns, notifying.settings.alerts_topic_arn)
    for n in range(3):
        body = {"type": "supervision.lag", "org_id": "seko", "severity": "advisory", "count": n}
        topic.publish("lag", json.dumps(body), {"org_id": "seko", "type": "supervision.lag"})
    assert notifying.settings.notify_queue_url
    records = drain(notifying, notifying.settings.notify_queue_url)
    # One moment for the notifier and for this test: read twice, 08:00 could fall between.
    monkeypatch.setattr(runtime, "utcnow", midday_today)
    assert notify({"Records": records}, LocalContext("t")) == {"batchItemFailures": []}
    assert receiver.received == []
    notifier = quick_notifier(notifying, [])
    # The next 08:00 in Stockholm: an hour before, nothing; then the digest, once.
    at_eight = next_digest(board, midday_today())
    assert at_eight.astimezone(board.zone).hour == 8
    assert notifier.tick(at_eight - timedelta(hours=1)).sent == 0
    assert notifier.tick(at_eight).sent == 1
    assert notifier.tick(at_eight + timedelta(hours=1)).sent == 0
    (card,) = receiver.at("/teams/seko?sig=SECRET")
    assert adaptive_card_problems(card, max_bytes=PAYLOAD_LIMIT) == []
    lines = [b["text"] for b in card["attachments"][0]["content"]["body"][2:]]
    assert len(lines) == 3
    assert all("supervision.lag" in line for line in lines)


def test_an_email_recipient_gets_mail_through_ses_from_the_verified_identity(
    notifying: Stack,
) -> None:
    add_recipient(notifying.rt, "seko", "email", email="dpo@seko.example", recipient_id="dpo")
    records = flag_through_evaluation(notifying)
    assert notify({"Records": records}, LocalContext("t")) == {"batchItemFailures": []}
    quota = notifying.rt.ses.get_send_quota()
    assert quota["SentLast24Hours"] >= 1
    assert dead_letters(notifying) == []


def test_mail_from_an_unverified_sender_is_dead_lettered_with_its_reason(
    notifying: Stack,
) -> None:
    add_recipient(notifying.rt, "seko", "email", email="dpo@seko.example", recipient_id="dpo")
    notifying.rt.ses.delete_identity(Identity=SENDER)
    records = flag_through_evaluation(notifying)
    assert notify({"Records": records}, LocalContext("t")) == {"batchItemFailures": []}
    letters = dead_letters(notifying)
    assert len(letters) == len(records)  # the flags of the feed, each kept with its reason
    for letter in letters:
        assert letter["reason"] == "recipient dpo: email: SES rejected the message"


def test_a_receiver_that_answers_500_then_recovers_gets_the_message_once(
    notifying: Stack, receiver: Receiver
) -> None:
    add_recipient(notifying.rt, "seko", "slack", webhook_url=receiver.url("/s"), recipient_id="ops")
    receiver.answers += [(500, {}, b"oops"), (503, {}, b"")]
    sleeps: list[float] = []
    notifier = quick_notifier(notifying, sleeps)
    records = flag_through_evaluation(notifying)
    from uppsikt.notify.consumer import consume

    consume({"Records": records}, notifier, notifier.dead_letters, lambda: datetime.now(UTC))
    # Two failures, then the first flag's delivery; the others at once.
    assert len(receiver.at("/s")) == len(records) + 2
    assert len(sleeps) >= 2
    assert dead_letters(notifying) == []
    # The same queue messages again (SQS delivers at least once): nothing goes out twice.
    consume({"Records": records}, notifier, notifier.dead_letters, lambda: datetime.now(UTC))
    assert len(receiver.at("/s")) == len(records) + 2


def test_a_receiver_that_is_down_ends_in_the_dead_letter_queue_with_a_reason_and_no_url(
    notifying: Stack,
) -> None:
    with Receiver() as gone:
        url = gone.url("/slack/gone")
    add_recipient(notifying.rt, "seko", "slack", webhook_url=url, recipient_id="gone")
    notifier = quick_notifier(notifying, [])
    records = flag_through_evaluation(notifying)
    from uppsikt.notify.consumer import consume

    consume({"Records": records}, notifier, notifier.dead_letters, lambda: datetime.now(UTC))
    letters = dead_letters(notifying)
    assert len(letters) == len(records)
    letter = letters[0]
    assert letter["reason"].startswith("recipient gone: slack: no HTTP answer")
    assert "gave up after 5 attempts" in letter["reason"]
    assert "127.0.0.1" not in json.dumps(letter)
    assert letter["body"]["recipient_id"] == "gone"
    assert stack_record(notifying, letter["body"]["message"]["ref"], "gone")["status"] == (
        "dead_lettered"
    )


def stack_record(stack: Stack, ref: str, recipient_id: str) -> dict[str, Any]:
    from uppsikt.dynamo_values import from_item

    assert stack.settings.notify_table
    item = stack.rt.dynamodb.get_item(
        TableName=stack.settings.notify_table,
        Key={"pk": {"S": f"sent#{ref}"}, "sk": {"S": recipient_id}},
    )
    return from_item(item["Item"])


def test_a_bad_secret_is_dead_lettered_at_once_as_permanent_without_its_value(
    notifying: Stack, receiver: Receiver
) -> None:
    recipient = add_recipient(
        notifying.rt, "seko", "teams", webhook_url=receiver.url("/t"), recipient_id="teams"
    )
    assert recipient.secret_name
    put_webhook_secret(notifying.rt.secretsmanager, recipient.secret_name, "ftp://x/sig=LEAK")
    records = flag_through_evaluation(notifying)
    assert notify({"Records": records}, LocalContext("t")) == {"batchItemFailures": []}
    letters = dead_letters(notifying)
    assert len(letters) == len(records)
    letter = letters[0]
    assert letter["reason"] == "recipient teams: teams: webhook secret does not hold an https URL"
    assert letter["permanent"] == "true"
    assert "LEAK" not in json.dumps(letter)
    assert receiver.received == []


def test_a_body_that_is_not_a_flag_or_an_alert_is_dead_lettered_at_once(
    notifying: Stack,
) -> None:
    record = {"messageId": "m-1", "body": "Signe Karlsson", "messageAttributes": {}}
    assert notify({"Records": [record]}, LocalContext("t")) == {"batchItemFailures": []}
    assert notifying.settings.notify_dlq_url
    (letter,) = drain(notifying, notifying.settings.notify_dlq_url)
    assert letter["messageAttributes"]["uppsikt-reason"]["stringValue"] == (
        "not a flag or an alert: body: not JSON"
    )


def test_the_cli_adds_lists_tests_and_removes_a_recipient_without_showing_its_url(
    notifying: Stack, receiver: Receiver
) -> None:
    url = receiver.url("/slack/cli?token=SECRETPART")
    runner = CliRunner()
    added = runner.invoke(
        cli,
        [
            "notify",
            "add",
            "kommunal",
            "--channel",
            "slack",
            "--id",
            "desk",
            "--lang",
            "sv",
            "--quiet",
            "22:00-07:00",
            "--flags",
            "legal",
        ],
        input=url + "\n",
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["notify", "list", "kommunal"])
    assert (
        "desk  slack (secret uppsikt/notify/kommunal/desk)  sv  flags from legal" in listed.output
    )
    tested = runner.invoke(cli, ["notify", "test", "kommunal"])
    assert tested.exit_code == 0, tested.output
    (payload,) = receiver.at("/slack/cli?token=SECRETPART")
    assert block_kit_problems(payload) == []
    assert "Testmeddelande" in json.dumps(payload, ensure_ascii=False)
    for output in (added.output, listed.output, tested.output):
        assert "SECRETPART" not in output
    removed = runner.invoke(cli, ["notify", "remove", "kommunal", "desk"])
    assert removed.exit_code == 0
    assert runner.invoke(cli, ["notify", "list", "kommunal"]).output.startswith(
        "kommunal has no recipients"
    )


def test_the_cli_refuses_an_organisation_the_registry_does_not_list(notifying: Stack) -> None:
    result = CliRunner().invoke(
        cli, ["notify", "add", "nobody", "--channel", "email", "--email", "a@b.example"]
    )
    assert result.exit_code != 0
    assert "not an organisation in the published registry" in result.output


def test_rows_carry_their_retention_class(notifying: Stack, receiver: Receiver) -> None:
    add_recipient(notifying.rt, "seko", "slack", webhook_url=receiver.url("/s"), recipient_id="r")
    assert notifying.settings.notify_table
    table = NotifyTable(notifying.rt.dynamodb, notifying.settings.notify_table)
    (row,) = table._query("org#seko", "recipient#")
    assert (row["retention_class"], row["expires_at"]) == ("configuration", "none")
    assert "http" not in json.dumps(row)
