"""The embedded AWS's faster moto gives moto's own answers: the same queue attributes, the same
messages handed out, retention and delays still honoured, every service still dispatched.
`uppsikt.local.moto_fast` replaces moto's per-message clock reads and attribute recomputation
in the server process; these tests hold each replacement against moto's code on the same
objects."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.backends import list_of_moto_modules
from moto.sqs.models import sqs_backends

from uppsikt.local import moto_fast
from uppsikt.local.moto_server import MotoProcess

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"
REGION = "eu-north-1"
ACCOUNT = "123456789012"
COUNTS = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
)


@pytest.fixture
def sqs() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("sqs", region_name=REGION)


def _mixed_queue(sqs: Any, name: str = "mixed") -> str:
    """A queue holding 5 visible, 3 in-flight and 2 delayed messages."""
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "300"})["QueueUrl"]
    for i in range(8):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=3)["Messages"]
    assert len(got) == 3
    for i in range(2):
        sqs.send_message(QueueUrl=url, MessageBody=f"d{i}", DelaySeconds=900)
    return str(url)


def _counts(sqs: Any, url: str) -> dict[str, str]:
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return {k: attrs[k] for k in COUNTS}


def test_queue_attributes_are_moto_s_own(sqs: Any) -> None:
    url = _mixed_queue(sqs)
    before = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    with moto_fast.patched():
        after = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert after == before
    assert _counts(sqs, url) == {
        "ApproximateNumberOfMessages": "5",
        "ApproximateNumberOfMessagesNotVisible": "3",
        "ApproximateNumberOfMessagesDelayed": "2",
    }


def test_receive_hands_out_only_visible_undelayed_messages_in_order(sqs: Any) -> None:
    url = _mixed_queue(sqs)
    with moto_fast.patched():
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        assert [m["Body"] for m in got] == ["m3", "m4", "m5", "m6", "m7"]
        assert sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages") is None
        assert _counts(sqs, url)["ApproximateNumberOfMessagesNotVisible"] == "8"


def _expiry_scenario(sqs: Any, name: str) -> list[list[str]]:
    """Two messages on a queue with a 60 s retention period, the first sent 61 s ago; what two
    receives hand out."""
    url = sqs.create_queue(QueueName=name, Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    sqs.send_message(QueueUrl=url, MessageBody="new")
    queue = sqs_backends[ACCOUNT][REGION].get_queue(name)
    oldest: Any = next(m for m in queue._messages if m.body == "old")
    oldest.sent_timestamp -= 61_000
    return [
        [
            m["Body"]
            for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        ]
        for _ in range(2)
    ]


def test_a_message_past_the_retention_period_is_not_handed_out(sqs: Any) -> None:
    moto_s = _expiry_scenario(sqs, "expiry-moto")
    with moto_fast.patched():
        ours = _expiry_scenario(sqs, "expiry-fast")
    assert ours == moto_s
    assert "old" not in ours[0] + ours[1]


def test_patches_are_undone_on_leaving(sqs: Any) -> None:
    from moto.sqs import models

    original = models.Queue.__dict__["messages"]
    with moto_fast.patched():
        assert models.Queue.__dict__["messages"] is not original
    assert models.Queue.__dict__["messages"] is original


def test_the_module_list_is_moto_s_own() -> None:
    with moto_fast.patched():
        from moto import backends

        assert list(backends.list_of_moto_modules()) == list(list_of_moto_modules())


def test_the_server_process_serves_every_service_and_stops() -> None:
    server = MotoProcess()
    server.start()
    try:
        host, port = server.get_host_and_port()
        session = boto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
        )
        endpoint = f"http://{host}:{port}"
        sqs = session.client("sqs", endpoint_url=endpoint)
        url = sqs.create_queue(QueueName="q")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="hello")
        assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "hello"
        s3 = session.client("s3", endpoint_url=endpoint)
        s3.create_bucket(
            Bucket="uppsikt-test", CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
        )
        s3.put_object(Bucket="uppsikt-test", Key="k", Body=b"v")
        assert s3.get_object(Bucket="uppsikt-test", Key="k")["Body"].read() == b"v"
        assert session.client("dynamodb", endpoint_url=endpoint).list_tables()["TableNames"] == []
        pid = server.pid
        assert pid is not None
    finally:
        server.stop()
    with pytest.raises(urllib.error.URLError, match="Connection refused"):
        urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2)


def _delete_scenario(sqs: Any, name: str) -> list[Any]:
    """Deletes by the current handle, by a handle from an earlier receive, twice, and by a
    handle the queue never gave out; what each does and what is left."""
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "0"})["QueueUrl"]
    for i in range(4):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]
    again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]
    outcomes: list[Any] = [[m["Body"] for m in first], [m["Body"] for m in again]]
    for handle in (first[0]["ReceiptHandle"], again[1]["ReceiptHandle"], first[0]["ReceiptHandle"]):
        sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
        outcomes.append("deleted")
    try:
        sqs.delete_message(QueueUrl=url, ReceiptHandle="never-given-out")
    except sqs.exceptions.ReceiptHandleIsInvalid:
        outcomes.append("invalid")
    left = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    outcomes.append(sorted(m["Body"] for m in left))
    return outcomes


def test_deleting_messages_gives_moto_s_outcomes(sqs: Any) -> None:
    moto_s = _delete_scenario(sqs, "delete-moto")
    with moto_fast.patched():
        ours = _delete_scenario(sqs, "delete-fast")
    assert ours == moto_s
    assert ours[-2] == "invalid"
    assert len(ours[-1]) == 2  # two of the four are gone


def test_a_delete_looks_no_further_than_the_message(sqs: Any) -> None:
    """The cost of deleting the oldest message does not grow with the messages behind it."""
    url = sqs.create_queue(QueueName="deep")["QueueUrl"]
    for _ in range(50):
        entries = [{"Id": str(i), "MessageBody": "x"} for i in range(10)]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    handle = sqs.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    queue = sqs_backends[ACCOUNT][REGION].get_queue("deep")
    looked = 0
    real = type(queue._messages[0]).had_receipt_handle

    def counted(message: Any, receipt: str) -> bool:
        nonlocal looked
        looked += 1
        return bool(real(message, receipt))

    with moto_fast.patched(), pytest.MonkeyPatch.context() as mp:
        mp.setattr(type(queue._messages[0]), "had_receipt_handle", counted)
        sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
    assert looked == 1
    assert len(queue._messages) == 499


def test_a_fifo_queue_still_drops_a_duplicate_by_content(sqs: Any) -> None:
    with moto_fast.patched():
        url = sqs.create_queue(
            QueueName="dedup.fifo",
            Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
        )["QueueUrl"]
        for _ in range(2):
            sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
        assert _counts(sqs, url)["ApproximateNumberOfMessages"] == "1"


def test_counts_read_while_another_thread_sends_are_real(sqs: Any) -> None:
    """A send skips the counts in its own thread only."""
    url = _mixed_queue(sqs, "concurrent")
    with moto_fast.patched():
        moto_fast._sending.now = True  # as if this thread were inside a send
        try:
            seen: dict[str, str] = {}
            reader = threading.Thread(target=lambda: seen.update(_counts(sqs, url)))
            reader.start()
            reader.join()
        finally:
            moto_fast._sending.now = False
    assert seen["ApproximateNumberOfMessages"] == "5"


def test_install_keeps_the_replacements_in_place() -> None:
    """In a fresh interpreter, as the server's process: still patched after a collection."""
    code = (
        "import gc; from moto.sqs import models; from uppsikt.local import moto_fast; "
        "moto_fast.install(); gc.collect(); "
        "print(models.Queue.__dict__['messages'].fget.__module__)"
    )
    env = {**os.environ, "PYTHONPATH": str(FUNCTIONS)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "uppsikt.local.moto_fast"


def test_the_server_starts_from_a_script_without_a_main_guard(tmp_path: Path) -> None:
    """A plain child interpreter, not multiprocessing's spawn (which would import the calling
    script again in the child and fail without an `if __name__ == "__main__"` guard)."""
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from uppsikt.local.moto_server import MotoProcess\n"
        "server = MotoProcess()\n"
        "server.start()\n"
        "print('port', server.get_host_and_port()[1])\n"
        "server.stop()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(FUNCTIONS)}
    out = subprocess.run(
        [sys.executable, str(script)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("port ")


def test_a_response_class_s_methods_are_moto_s_own() -> None:
    from moto.core import responses
    from moto.dynamodb.responses import DynamoHandler
    from moto.sqs.responses import SQSResponse

    def listed(cls: type) -> list[str]:
        return list(responses.__dict__["method_names_from_class"](cls))

    expected = {c: listed(c) for c in (DynamoHandler, SQSResponse)}
    with moto_fast.patched():
        for cls, names in expected.items():
            assert listed(cls) == names
            assert listed(cls) == names  # from the cache
