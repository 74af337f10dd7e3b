"""SNS: flag notifications to the compliance officer and operational alerts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient


@dataclass(frozen=True)
class Topic:
    client: SNSClient
    topic_arn: str

    def publish(self, subject: str, message: str, attributes: dict[str, str]) -> str:
        response = self.client.publish(
            TopicArn=self.topic_arn,
            Subject=subject[:100],
            Message=message,
            MessageAttributes={
                k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()
            },
        )
        return response["MessageId"]

    def alert(self, subject: str, details: dict[str, str]) -> None:
        self.publish(subject, json.dumps(details, sort_keys=True), {"kind": "alert"})
