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
