"""The embedded AWS applies a conditional DynamoDB write atomically, as DynamoDB does: of many
writers racing for the same key with `attribute_not_exists`, exactly one wins."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import moto.dynamodb.models.table as moto_table
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from uppsikt.local.moto_server import AtomicMotoServer

KEYS = 30
WRITERS = 6


@pytest.fixture(autouse=True)
def slow_condition_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widen moto's window between checking a condition and writing (2 ms in the check), so
    that the race a loaded machine hits now and then shows on every run."""
    real = moto_table.get_filter_expression  # type: ignore[attr-defined]

    def slowed(*args: Any, **kwargs: Any) -> Any:
        condition = real(*args, **kwargs)
        check = condition.expr

        def expr(item: Any) -> Any:
            time.sleep(0.002)
            return check(item)

        condition.expr = expr  # type: ignore[method-assign]
        return condition

    monkeypatch.setattr(moto_table, "get_filter_expression", slowed)


def serve(server_class: type[ThreadedMotoServer]) -> Iterator[str]:
    server = server_class(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        client(f"http://{host}:{port}").delete_table(TableName="race")  # type: ignore[attr-defined]
        server.stop()


@pytest.fixture
def endpoint() -> Iterator[str]:
    yield from serve(AtomicMotoServer)


@pytest.fixture
def plain_endpoint() -> Iterator[str]:
    yield from serve(ThreadedMotoServer)


def client(endpoint: str) -> object:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="eu-north-1",
        aws_access_key_id="embedded",
        aws_secret_access_key="embedded",
        config=Config(retries={"max_attempts": 1}),
    )


def race(endpoint: str) -> list[tuple[int, int]]:
    setup = client(endpoint)
    setup.create_table(  # type: ignore[attr-defined]
        TableName="race",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    wins: list[tuple[int, int]] = []
    start = threading.Barrier(WRITERS)

    def write(writer: int) -> None:
        dynamodb = client(endpoint)
        start.wait()
        for key in range(KEYS):
            try:
                dynamodb.put_item(  # type: ignore[attr-defined]
                    TableName="race",
                    Item={"pk": {"S": f"k{key}"}, "writer": {"N": str(writer)}},
                    ConditionExpression="attribute_not_exists(pk)",
                )
            except dynamodb.exceptions.ConditionalCheckFailedException:  # type: ignore[attr-defined]
                continue
            wins.append((key, writer))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return wins


def test_of_racing_conditional_puts_on_one_key_exactly_one_wins(endpoint: str) -> None:
    wins = race(endpoint)
    assert sorted(key for key, _ in wins) == list(range(KEYS))
    # The stored row is the winner's: no later writer overwrote it.
    dynamodb = client(endpoint)
    for key, writer in wins:
        row = dynamodb.get_item(TableName="race", Key={"pk": {"S": f"k{key}"}})  # type: ignore[attr-defined]
        assert row["Item"]["writer"]["N"] == str(writer)


def test_moto_s_own_server_lets_two_writers_win_the_same_key(plain_endpoint: str) -> None:
    """Why the embedded AWS does not use moto's server as it comes."""
    wins = race(plain_endpoint)
    assert len(wins) > KEYS


def _send_and_drain(senders: int, per_sender: int) -> tuple[set[str], dict[str, str]]:
    """Senders and consumers on one queue at once; what the consumers got and what is left."""
    sqs = boto3.client("sqs", region_name="eu-north-1")
    url = sqs.create_queue(QueueName="race", Attributes={"VisibilityTimeout": "300"})["QueueUrl"]
    got: set[str] = set()
    lock = threading.Lock()
    total = senders * per_sender

    def send(k: int) -> None:
        for i in range(0, per_sender, 10):
            entries = [{"Id": str(j), "MessageBody": f"{k}-{i + j}"} for j in range(10)]
            sqs.send_message_batch(QueueUrl=url, Entries=entries)  # type: ignore[arg-type]

    def consume() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with lock:
                if len(got) >= total:
                    return
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if messages:
                with lock:
                    got.update(m["Body"] for m in messages)
                sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(messages)
                    ],
                )

    threads = [threading.Thread(target=send, args=(k,)) for k in range(senders)]
    threads += [threading.Thread(target=consume) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return got, {str(k): v for k, v in attrs.items()}


def test_concurrent_sends_and_deletes_neither_lose_nor_bring_back_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """moto rebuilds the message list on every delete; a send or delete in between was undone
    (a message lost, or a deleted one back in flight). Every message check yields the thread
    here, so without `sqs_one_at_a_time` the interleaving happens in every run."""
    from moto import mock_aws
    from moto.sqs import models

    from uppsikt.local.moto_server import sqs_one_at_a_time

    sqs_one_at_a_time()
    real = models.Message.had_receipt_handle

    def yielding(message: Any, receipt: str) -> bool:
        time.sleep(0)
        return bool(real(message, receipt))

    monkeypatch.setattr(models.Message, "had_receipt_handle", yielding)
    with mock_aws():
        got, attrs = _send_and_drain(senders=3, per_sender=100)
    assert len(got) == 300
    assert attrs["ApproximateNumberOfMessages"] == "0"
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "0"
