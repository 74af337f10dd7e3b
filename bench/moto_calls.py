"""The embedded AWS's cost per call, for the calls the evaluate consumer makes, with and without
moto_fast's per-call replacements side by side.

Two embedded AWS servers run at once, each in its own process as `EmbeddedAWS` starts it
(`MotoProcess`) and each provisioned from infra/ (`provision`), so the tables, queue and buckets
are ours: one with every moto_fast replacement (`install()`), one without the per-call ones
(`install(calls=False)`: the SQS and dispatch replacements only, as before them). Each round
runs every call shape against both, in alternating order, `--calls` calls at a time; per shape
it reports the median wall time per call over the rounds (seen by the client: boto3, HTTP and
the server), and the server process's CPU time per call (utime + stime from /proc/<pid>/stat,
summed over all rounds), for each server and as a ratio.

The call shapes:
- put-cond: PutItem of a 21-attribute working record into the items table, with
  `attribute_not_exists(event_id)` (a fresh key: the condition holds);
- put-idem: Powertools' idempotency PutItem (its three-part condition, names and values);
- update: UpdateItem of such a record, `SET` of two `if_not_exists` with
  `attribute_exists(event_id)` (mark_reconciled's shape);
- update-idem: Powertools' completion UpdateItem as our stamping client sends it (five SETs);
- batch-get: BatchGetItem of 30 keys from the items table as the consumer's batch read asks
  (consistent, projected to the key), 5 of them found;
- batch-get-full: BatchGetItem of 30 whole records, all found (the serialiser's worst case);
- batch-write: BatchWriteItem of 10 such records;
- s3-put: PutObject of 2 KB into the raw bucket;
- sqs: SendMessage, ReceiveMessage and DeleteMessage of one message (3 calls, reported per call).

Run from the repository root: `.venv/bin/python bench/moto_calls.py [--rounds R] [--calls N]
[--control] [--json]`. `--control` starts both servers without the per-call replacements: its
ratios show how far two identical servers differ on the same machine in the same run. A
benchmark, not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3

from uppsikt.local.moto_server import MotoProcess
from uppsikt.local.provision import provision

REGION = "eu-north-1"
TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    # Fields 14 and 15 of /proc/<pid>/stat (utime, stime), after the parenthesised name.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _str(value: str) -> dict[str, str]:
    return {"S": value}


def _record(event_id: str) -> dict[str, Any]:
    """A working record's item as the consumer writes it: 21 attributes."""
    return {
        "event_id": _str(event_id),
        "item_ref": _str(f"facebook:comment:{event_id[:12]}"),
        "evaluated_at": _str("2026-12-02T12:00:00.123456+00:00"),
        "org_id": _str("org-nordic-1"),
        "thread_ref": _str("facebook:post:1234567890_987654321"),
        "author_key": _str("a" * 43),
        "platform": _str("facebook"),
        "account_id": _str("page-1234567890"),
        "verdict": _str("clean"),
        "policy_id": _str("nordic-baseline"),
        "policy_version": _str("2026-11-30.3"),
        "language": _str("sv"),
        "text": _str("Hej! Tack för att ni svarade så snabbt, jag återkommer i morgon. " * 3),
        "labels": {"L": [_str("greeting"), _str("thanks")]},
        "scores": {"M": {"toxicity": {"N": "0.0132"}, "spam": {"N": "0.002"}}},
        "created_at": _str("2026-12-02T11:59:58+00:00"),
        "received_at": _str("2026-12-02T11:59:59.5+00:00"),
        "kind": _str("comment"),
        "retention_class": _str("working_copy"),
        "expires_at": _str("2027-03-02T12:00:00+00:00"),
        "ttl": {"N": "1803988800"},
    }


class Target:
    """One embedded AWS server, provisioned, with its clients."""

    def __init__(self, name: str, calls_patched: bool) -> None:
        self.name = name
        self.server = MotoProcess("127.0.0.1", calls_patched=calls_patched)
        self.server.start()
        host, port = self.server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        session = boto3.Session(
            aws_access_key_id="embedded",
            aws_secret_access_key="embedded",  # noqa: S106 - what the stack gives moto
            region_name=REGION,
        )
        saved = os.environ.get("AWS_ENDPOINT_URL")
        os.environ["AWS_ENDPOINT_URL"] = endpoint  # provision's clients read it, as the stack's
        try:
            self.outputs = provision(session, "uppsikt-local", {})
        finally:
            if saved is None:
                os.environ.pop("AWS_ENDPOINT_URL")
            else:
                os.environ["AWS_ENDPOINT_URL"] = saved
        self.ddb = session.client("dynamodb", endpoint_url=endpoint)
        self.s3 = session.client("s3", endpoint_url=endpoint)
        self.sqs = session.client("sqs", endpoint_url=endpoint)
        self.items = self.outputs["UPPSIKT_ITEMS_TABLE"]
        self.idem = self.outputs["UPPSIKT_IDEMPOTENCY_TABLE"]
        self.bucket = self.outputs["UPPSIKT_RAW_BUCKET"]
        self.queue = self.outputs["UPPSIKT_INGEST_QUEUE_URL"]
        self.written: list[str] = []
        self.idem_keys: list[str] = []
        self._seed()

    def _seed(self) -> None:
        # Rows for the updates and reads to find; a queue at a steady depth, as under load.
        for _ in range(300):
            self.put_cond()
        for _ in range(100):
            self.put_idem()
        for _ in range(20):
            self.sqs.send_message_batch(
                QueueUrl=self.queue,
                Entries=[{"Id": str(j), "MessageBody": "x" * 900} for j in range(10)],
            )

    def stop(self) -> None:
        self.server.stop()

    # --- the call shapes --------------------------------------------------------------
    def put_cond(self) -> int:
        event_id = uuid.uuid4().hex
        self.ddb.put_item(
            TableName=self.items,
            Item=_record(event_id),
            ConditionExpression="attribute_not_exists(event_id)",
        )
        self.written.append(event_id)
        return 1

    def put_idem(self) -> int:
        key = f"uppsikt-dev-evaluate#{uuid.uuid4().hex}"
        now = int(time.time())
        self.ddb.put_item(
            TableName=self.idem,
            Item={
                "id": {"S": key},
                "expiration": {"N": str(now + 3600)},
                "in_progress_expiration": {"N": str(now * 1000 + 30000)},
                "status": {"S": "INPROGRESS"},
                "retention_class": {"S": "idempotency_record"},
                "expires_at": {"S": "2026-12-02T13:00:00+00:00"},
            },
            ConditionExpression=(
                "attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND "
                "attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)"
            ),
            ExpressionAttributeNames={
                "#id": "id",
                "#expiry": "expiration",
                "#in_progress_expiry": "in_progress_expiration",
                "#status": "status",
            },
            ExpressionAttributeValues={
                ":now": {"N": str(now)},
                ":now_in_millis": {"N": str(now * 1000)},
                ":inprogress": {"S": "INPROGRESS"},
            },
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
        self.idem_keys.append(key)
        return 1

    def update(self) -> int:
        event_id = self.written[len(self.written) // 2]
        self.ddb.update_item(
            TableName=self.items,
            Key={"event_id": {"S": event_id}},
            UpdateExpression=(
                "SET reconciled_by = if_not_exists(reconciled_by, :by), "
                "reconciled_at = if_not_exists(reconciled_at, :at)"
            ),
            ConditionExpression="attribute_exists(event_id)",
            ExpressionAttributeValues={
                ":by": {"S": uuid.uuid4().hex},
                ":at": {"S": "2026-12-02T12:00:01+00:00"},
            },
        )
        return 1

    def update_idem(self) -> int:
        key = self.idem_keys.pop()
        self.idem_keys.insert(0, key)
        self.ddb.update_item(
            TableName=self.idem,
            Key={"id": {"S": key}},
            UpdateExpression=(
                "SET #response_data = :response_data, #expiry = :expiry, #status = :status, "
                "#rc = :retention_class, #ea = :expires_at"
            ),
            ExpressionAttributeNames={
                "#expiry": "expiration",
                "#response_data": "data",
                "#status": "status",
                "#rc": "retention_class",
                "#ea": "expires_at",
            },
            ExpressionAttributeValues={
                ":expiry": {"N": str(int(time.time()) + 3600)},
                ":response_data": {"S": '{"verdict": "clean", "flag_id": null}'},
                ":status": {"S": "COMPLETED"},
                ":retention_class": {"S": "idempotency_record"},
                ":expires_at": {"S": "2026-12-02T13:00:00+00:00"},
            },
        )
        return 1

    def batch_get(self) -> int:
        # As the consumer's batch read (adapters/batch_reads.py): consistent, projected to the
        # key, most keys absent (a change mark exists for few items); here 5 of 30 found.
        keys = [{"event_id": {"S": e}} for e in self.written[-5:]]
        keys += [{"event_id": {"S": uuid.uuid4().hex}} for _ in range(25)]
        request: Any = {"Keys": keys, "ConsistentRead": True, "ProjectionExpression": "event_id"}
        got = self.ddb.batch_get_item(RequestItems={self.items: request})
        assert len(got["Responses"][self.items]) == 5
        return 1

    def batch_get_full(self) -> int:
        keys = [{"event_id": {"S": e}} for e in self.written[-30:]]
        got = self.ddb.batch_get_item(RequestItems={self.items: {"Keys": keys}})
        assert len(got["Responses"][self.items]) == 30
        return 1

    def batch_write(self) -> int:
        ids = [uuid.uuid4().hex for _ in range(10)]
        self.ddb.batch_write_item(
            RequestItems={self.items: [{"PutRequest": {"Item": _record(e)}} for e in ids]}
        )
        self.written.extend(ids)
        return 1

    def s3_put(self) -> int:
        self.s3.put_object(
            Bucket=self.bucket, Key=f"raw/{uuid.uuid4().hex}.json", Body=os.urandom(1024).hex()
        )
        return 1

    def sqs_round(self) -> int:
        self.sqs.send_message(QueueUrl=self.queue, MessageBody="x" * 900)
        got = self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=1)["Messages"]
        self.sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=got[0]["ReceiptHandle"])
        return 3


SHAPES: dict[str, Callable[[Target], int]] = {
    "put-cond": Target.put_cond,
    "put-idem": Target.put_idem,
    "update": Target.update,
    "update-idem": Target.update_idem,
    "batch-get": Target.batch_get,
    "batch-get-full": Target.batch_get_full,
    "batch-write": Target.batch_write,
    "s3-put": Target.s3_put,
    "sqs": Target.sqs_round,
}


def run(rounds: int, calls: int, control: bool = False) -> dict[str, Any]:
    # The control run starts both servers alike: its ratios are the noise between two servers.
    targets = [Target("moto", calls_patched=False), Target("patched", calls_patched=not control)]
    wall: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], float] = {}
    count: dict[tuple[str, str], int] = {}
    try:
        for shape, target in itertools.product(SHAPES, targets):  # warm-up
            for _ in range(5):
                SHAPES[shape](target)
        for r in range(rounds):
            for shape, call in SHAPES.items():
                for target in targets if r % 2 == 0 else targets[::-1]:
                    key = (shape, target.name)
                    cpu_before = _cpu_seconds(target.server.pid)
                    started = time.perf_counter()
                    n = sum(call(target) for _ in range(calls))
                    elapsed = time.perf_counter() - started
                    cpu[key] = cpu.get(key, 0.0) + _cpu_seconds(target.server.pid) - cpu_before
                    count[key] = count.get(key, 0) + n
                    wall.setdefault(key, []).append(elapsed / n)
    finally:
        for target in targets:
            target.stop()
    result: dict[str, Any] = {"rounds": rounds, "calls": calls, "control": control, "shapes": {}}
    for shape in SHAPES:
        row: dict[str, float] = {}
        for name in ("moto", "patched"):
            row[f"{name}_ms"] = 1000 * statistics.median(wall[(shape, name)])
            row[f"{name}_cpu_ms"] = 1000 * cpu[(shape, name)] / count[(shape, name)]
        row["wall_ratio"] = row["patched_ms"] / row["moto_ms"]
        row["cpu_ratio"] = row["patched_cpu_ms"] / row["moto_cpu_ms"]
        result["shapes"][shape] = row
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=40, help="calls per shape per round")
    parser.add_argument(
        "--control", action="store_true", help="both servers without the replacements (A/A)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.rounds, args.calls, args.control)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"{args.rounds} rounds x {args.calls} calls per shape and server; wall: median per call "
        "(client-side); CPU: the server process's, per call"
        + ("; CONTROL: both servers without the replacements" if args.control else "")
    )
    print(
        f"{'shape':<12} {'moto ms':>8} {'patched':>8} {'ratio':>6}   "
        f"{'moto CPU':>8} {'patched':>8} {'ratio':>6}"
    )
    for shape, row in result["shapes"].items():
        print(
            f"{shape:<12} {row['moto_ms']:8.2f} {row['patched_ms']:8.2f} {row['wall_ratio']:6.2f}"
            f"   {row['moto_cpu_ms']:8.2f} {row['patched_cpu_ms']:8.2f} {row['cpu_ratio']:6.2f}"
        )


if __name__ == "__main__":
    main()
