"""A stack built from infra/ on moto's in-process backend, and SQS event factories.

Every resource comes from infra/resources.yaml through the provisioner the demo uses. The only
thing added here is the test's own observer: a queue subscribed to the SNS topics, standing in for
the compliance officer's inbox.
"""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from moto import mock_aws

from support.paths import REPO
from uppsikt import runtime
from uppsikt.accounts.model import Account
from uppsikt.accounts.registry import load as load_registry
from uppsikt.accounts.store import publish as publish_registry
from uppsikt.local.provision import provision
from uppsikt.local.stack import publish_file
from uppsikt.model.events import Platform
from uppsikt.operations.secrets import (
    meta_verify_token,
    put_account_secret,
    set_meta_app_secret,
)
from uppsikt.settings import Settings, load_settings

REGION = "eu-north-1"
REGISTRY = REPO / "policies" / "registry" / "accounts.yaml"
X_ACCOUNT_ID = "602907365"  # the for_user_id of the shared X samples
# The account the shared X captures were made for, registered on top of the shipped registry so
# that they route through the registry like any delivery.
SAMPLE_ACCOUNTS = (
    Account(
        id="sample-x",
        platform=Platform.X,
        platform_account_id=X_ACCOUNT_ID,
        name="The account of the shared X samples",
        organisation="seko",
    ),
)
X_CONSUMER_SECRET = "functional-test-x-consumer-secret"
APP_SECRET = "functional-test-app-secret-0123456789"
LINKEDIN_CLIENT_SECRET = "functional-test-linkedin-client-secret"
# Per-account secrets, for the accounts of the shipped registry (policies/registry/accounts.yaml).
ACCOUNT_SECRETS: dict[str, dict[str, str]] = {
    "seko-youtube": {"websub_secret": "functional-test-websub-secret"},
    "kommunal-mastodon": {"webhook_secret": "functional-test-mastodon-secret"},
}


@dataclass
class Stack:
    session: boto3.Session
    settings: Settings
    rt: runtime.Runtime
    app_secret: str
    verify_token: str
    inbox_url: str

    def inbox(self) -> list[dict[str, Any]]:
        """Every SNS message delivered so far (flags and alerts), drained from the inbox."""
        messages: list[dict[str, Any]] = []
        while True:
            batch = self.rt.sqs.receive_message(
                QueueUrl=self.inbox_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not batch:
                return messages
            for m in batch:
                messages.append(json.loads(m["Body"]))
                self.rt.sqs.delete_message(
                    QueueUrl=self.inbox_url, ReceiptHandle=m["ReceiptHandle"]
                )

    def queue_depth(self, url: str) -> int:
        attrs = self.rt.sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"]) + int(
            attrs["ApproximateNumberOfMessagesNotVisible"]
        )

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        response = self.rt.s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
        return [o["Key"] for o in response.get("Contents", [])]

    def publish_policy(self) -> str:
        return publish_file(self.rt)

    def post_meta(self, body: bytes) -> dict[str, Any]:
        """POST a delivery signed with the app secret through the app; returns the receipt."""
        from chalice.test import Client

        from app import app
        from uppsikt.platforms.meta import signature

        with Client(app) as client:
            response = client.http.post(
                "/webhooks/meta",
                headers={
                    "Content-Type": "application/json",
                    "X-Hub-Signature-256": signature.sign(body, self.app_secret),
                },
                body=body,
            )
        assert response.status_code == 200, response.body
        receipt: dict[str, Any] = json.loads(response.body)
        return receipt

    def take_queued(self) -> list[str]:
        """Every message body waiting in the ingest queue, taken off it."""
        url = self.settings.ingest_queue_url
        bodies: list[str] = []
        while batch := self.rt.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            for message in batch:
                bodies.append(message["Body"])
                self.rt.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return bodies


@contextmanager
def moto_stack(environ: dict[str, str]) -> Iterator[Stack]:
    """Build the stack; `environ` (os.environ or a monkeypatched view) receives its settings."""
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        environ.update(provision(session, "uppsikt-test"))
        settings = load_settings()
        rt = runtime.Runtime(settings, session)
        set_meta_app_secret(rt.secretsmanager, settings.meta_secret_name, APP_SECRET)
        assert settings.x_secret_name is not None
        rt.secretsmanager.put_secret_value(
            SecretId=settings.x_secret_name,
            SecretString=json.dumps({"consumer_secret": X_CONSUMER_SECRET}),
        )
        assert settings.linkedin_secret_name is not None
        rt.secretsmanager.put_secret_value(
            SecretId=settings.linkedin_secret_name,
            SecretString=json.dumps({"client_secret": LINKEDIN_CLIENT_SECRET}),
        )
        shipped = load_registry(REGISTRY)
        # The shared X samples are for another user id than the registry's X account: list it
        # under Seko, as an operator would list a second X account.
        registry = shipped.model_copy(update={"accounts": shipped.accounts + SAMPLE_ACCOUNTS})
        publish_registry(rt.s3, settings.policy_bucket, registry, rt.pseudonymiser())
        for account in registry.accounts:
            if account.id in ACCOUNT_SECRETS and account.secret_name:
                put_account_secret(
                    rt.secretsmanager,
                    account.secret_name,
                    account.platform.value,
                    ACCOUNT_SECRETS[account.id],
                )
        inbox_url = rt.sqs.create_queue(QueueName="officer-inbox")["QueueUrl"]
        inbox_arn = rt.sqs.get_queue_attributes(QueueUrl=inbox_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        for topic in (settings.flags_topic_arn, settings.alerts_topic_arn):
            rt.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=inbox_arn)
        runtime.install(rt)
        try:
            yield Stack(
                session=session,
                settings=settings,
                rt=rt,
                app_secret=APP_SECRET,
                verify_token=meta_verify_token(rt.secretsmanager, settings.meta_secret_name),
                inbox_url=inbox_url,
            )
        finally:
            runtime.install(None)


_ids = itertools.count(1)


def sqs_record(
    body: str, *, receive_count: int = 1, message_id: str | None = None
) -> dict[str, Any]:
    """One record in Lambda's SQS event format, with its own message id (Chalice's test helper
    gives every record the same id, which would hide per-message failure handling)."""
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": f"handle-{next(_ids)}",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": str(receive_count),
            "SentTimestamp": "1763712000000",
            "SenderId": "AIDAEXAMPLE",
            "ApproximateFirstReceiveTimestamp": "1763712000001",
        },
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-north-1:123456789012:uppsikt-test-IngestQueue",
        "awsRegion": REGION,
    }


def sqs_event(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


def atomic_dynamodb_writes(monkeypatch: Any) -> None:
    """Apply in-process moto's DynamoDB writes one at a time, as DynamoDB applies a conditional
    write atomically: moto checks a condition and then writes with nothing held in between, so
    two threads can both pass `attribute_not_exists` (the embedded AWS's server applies its
    DynamoDB requests one at a time, `uppsikt.local.moto_server`)."""
    from moto.dynamodb.models import DynamoDBBackend

    from uppsikt.local.moto_server import under_lock

    lock = threading.RLock()
    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        monkeypatch.setattr(DynamoDBBackend, name, under_lock(getattr(DynamoDBBackend, name), lock))
