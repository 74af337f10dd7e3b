"""What each function calls on AWS, and whether its IAM role allows it.

`Recorder` hands out one boto3 session per function (as Lambda gives each function its own
containers and role); a `before-parameter-build` hook on it records every call that function's
code makes. `needs` turns a recorded call into the IAM actions and resource ARNs AWS would
authorise it against, and `Policy` evaluates a role's statements from infra/functions.yaml with
`Ref`, `Fn::GetAtt` and `Fn::Sub` resolved against the provisioned stack.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import boto3

PARTITION = "aws"
ACCOUNT = "123456789012"  # moto's account


@dataclass(frozen=True)
class Call:
    service: str
    operation: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Need:
    """One IAM action on one resource that a call needs."""

    action: str
    resource: str
    tags: tuple[tuple[str, str], ...] = ()  # the resource's tags, for tag conditions


@dataclass
class Recorder:
    region: str
    calls: dict[str, list[Call]] = field(default_factory=lambda: defaultdict(list))

    def session(self, function: str) -> boto3.Session:
        """A session whose clients record every call under `function`."""
        session = boto3.Session(region_name=self.region)

        def record(params: dict[str, Any], model: Any, **_: Any) -> None:
            service = model.service_model.service_name
            self.calls[function].append(Call(service, model.name, dict(params)))

        # Clients copy the session's handlers when they are made: register before any is.
        session.events.register("before-parameter-build", record)
        return session


# --- calls to IAM actions and resources ------------------------------------------------------

# Calls that read or write a store encrypted with the data key: AWS asks the caller's role for
# these on the key (S3 SSE-KMS, DynamoDB, SQS, SNS and Secrets Manager with a customer key).
KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
NO_STORE = {
    ("s3", "HeadBucket"),
    ("s3", "ListObjectsV2"),
    ("s3", "ListObjectVersions"),
    ("s3", "GetObjectLegalHold"),
    ("s3", "PutObjectLegalHold"),
    ("s3", "GetObjectRetention"),
    ("s3", "PutObjectRetention"),
    ("s3", "DeleteObject"),
    ("s3", "DeleteObjects"),
    ("dynamodb", "DeleteItem"),
    ("dynamodb", "DescribeTable"),
    ("sqs", "DeleteMessage"),
    ("sqs", "DeleteMessageBatch"),
    ("sqs", "GetQueueAttributes"),
    ("sqs", "ChangeMessageVisibility"),
    ("sqs", "GetQueueUrl"),
}
STORES = {"s3", "dynamodb", "sqs", "sns", "secretsmanager"}

# Operations whose IAM action has another name.
RENAMED = {
    ("s3", "HeadObject"): "GetObject",
    ("s3", "HeadBucket"): "ListBucket",
    ("s3", "ListObjectsV2"): "ListBucket",
    ("s3", "ListObjects"): "ListBucket",
    ("s3", "ListObjectVersions"): "ListBucketVersions",
    ("sqs", "SendMessageBatch"): "SendMessage",
    ("sqs", "DeleteMessageBatch"): "DeleteMessage",
    ("sqs", "ChangeMessageVisibilityBatch"): "ChangeMessageVisibility",
    ("sns", "PublishBatch"): "Publish",
}
# Cognito's public user-pool APIs: signed in with the user's password or token, not IAM.
COGNITO_PUBLIC = {"InitiateAuth", "RespondToAuthChallenge", "GetUser", "ChangePassword"}
TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem"}
TRANSACT |= {"ConditionCheck": "ConditionCheckItem", "Get": "GetItem"}


@dataclass
class Arns:
    """ARNs of what calls name (a bucket, a table, a queue URL, a secret's name, a key id)."""

    region: str
    secret_arns: dict[str, str]  # a secret's name -> its ARN
    secret_tags: dict[str, dict[str, str]]  # a secret's ARN -> its tags

    def table(self, name: str, index: str | None = None) -> str:
        arn = f"arn:{PARTITION}:dynamodb:{self.region}:{ACCOUNT}:table/{name}"
        return f"{arn}/index/{index}" if index else arn

    def queue(self, url: str) -> str:
        return (
            f"arn:{PARTITION}:sqs:{self.region}:{ACCOUNT}:{urlparse(url).path.rsplit('/', 1)[-1]}"
        )

    def key(self, key_id: str) -> str:
        return (
            key_id
            if key_id.startswith("arn:")
            else f"arn:{PARTITION}:kms:{self.region}:{ACCOUNT}:key/{key_id}"
        )

    def secret(self, secret_id: str) -> str:
        return secret_id if secret_id.startswith("arn:") else self.secret_arns[secret_id]

    def user_pool(self, pool_id: str) -> str:
        return f"arn:{PARTITION}:cognito-idp:{self.region}:{ACCOUNT}:userpool/{pool_id}"


def _s3(call: Call) -> list[Need]:
    p, op = call.params, call.operation
    bucket = f"arn:{PARTITION}:s3:::{p.get('Bucket', '')}"
    obj = f"{bucket}/{p.get('Key', '')}"
    versioned = "Version" if p.get("VersionId") else ""
    if op in ("GetObject", "HeadObject"):
        return [Need(f"s3:GetObject{versioned}", obj)]
    if op == "PutObject":
        needs = [Need("s3:PutObject", obj)]
        if "ObjectLockMode" in p or "ObjectLockRetainUntilDate" in p:
            needs.append(Need("s3:PutObjectRetention", obj))
        if "ObjectLockLegalHoldStatus" in p:
            needs.append(Need("s3:PutObjectLegalHold", obj))
        return needs
    if op == "DeleteObject":
        return [Need(f"s3:DeleteObject{versioned}", obj)]
    if op == "DeleteObjects":
        return [
            Need(
                f"s3:DeleteObject{'Version' if o.get('VersionId') else ''}", f"{bucket}/{o['Key']}"
            )
            for o in p["Delete"]["Objects"]
        ]
    if op == "CopyObject":
        source = p["CopySource"]
        if isinstance(source, dict):
            source = f"{source['Bucket']}/{source['Key']}"
        return [Need("s3:PutObject", obj), Need("s3:GetObject", f"arn:{PARTITION}:s3:::{source}")]
    if op in ("HeadBucket", "ListObjectsV2", "ListObjects", "ListObjectVersions"):
        return [Need(f"s3:{RENAMED[('s3', op)]}", bucket)]
    return [Need(f"s3:{op}", obj)]  # the object-level ones: legal holds, retention


def _dynamodb(call: Call, arns: Arns) -> list[Need]:
    p, op = call.params, call.operation
    if op in ("BatchGetItem", "BatchWriteItem"):
        return [Need(f"dynamodb:{op}", arns.table(t)) for t in p["RequestItems"]]
    if op in ("TransactWriteItems", "TransactGetItems"):
        return [
            Need(f"dynamodb:{TRANSACT[kind]}", arns.table(body["TableName"]))
            for item in p["TransactItems"]
            for kind, body in item.items()
        ]
    return [Need(f"dynamodb:{op}", arns.table(p["TableName"], p.get("IndexName")))]


def needs(call: Call, arns: Arns, data_key: str) -> list[Need]:
    """The IAM actions and resources AWS authorises `call` against."""
    service, op, p = call.service, call.operation, call.params
    action = RENAMED.get((service, op), op)
    if service == "s3":
        found = _s3(call)
    elif service == "dynamodb":
        found = _dynamodb(call, arns)
    elif service == "sqs":
        found = [Need(f"sqs:{action}", arns.queue(p["QueueUrl"]))]
    elif service == "sns":
        found = [Need(f"sns:{action}", p["TopicArn"])]
    elif service == "secretsmanager":
        arn = arns.secret(p["SecretId"])
        tags = tuple(sorted(arns.secret_tags.get(arn, {}).items()))
        found = [Need(f"secretsmanager:{action}", arn, tags)]
    elif service == "kms":
        found = [Need(f"kms:{action}", arns.key(p["KeyId"]))]
    elif service == "cognito-idp" and op in COGNITO_PUBLIC:
        found = []  # user pool APIs that IAM does not authorise: the user's own credentials do
    elif service == "cognito-idp":
        found = [Need(f"cognito-idp:{action}", arns.user_pool(p["UserPoolId"]))]
    elif service == "ses":
        sender = str(p.get("Source", "")).rsplit("@", 1)[-1].strip(">")
        found = [
            Need(f"ses:{action}", f"arn:{PARTITION}:ses:{arns.region}:{ACCOUNT}:identity/{sender}")
        ]
    else:
        raise ValueError(f"no IAM mapping for {service}:{op}: add one to tests/support/iam.py")
    if service in STORES and (service, op) not in NO_STORE:
        found += [Need(a, data_key) for a in KEY_ACTIONS]
    return found


# --- policies ---------------------------------------------------------------------------------


def _matches(pattern: str, value: str, *, case: bool) -> bool:
    # IAM's wildcards: `*` any run of characters (slashes included), `?` one character.
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, 0 if case else re.IGNORECASE) is not None


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@dataclass
class Statement:
    sid: str
    actions: list[str]
    resources: list[str]  # resolved ARNs (patterns)
    raw_resources: list[Any]  # as written in the template, for messages
    condition: dict[str, Any] = field(default_factory=dict)

    def allows(self, need: Need) -> bool:
        return (
            any(_matches(a, need.action, case=False) for a in self.actions)
            and any(_matches(r, need.resource, case=True) for r in self.resources)
            and self._condition_holds(need)
        )

    def _condition_holds(self, need: Need) -> bool:
        """The one kind of condition the roles use: `StringEquals` on a resource tag."""
        tags = dict(need.tags)
        for operator, tests in self.condition.items():
            if operator != "StringEquals":
                raise ValueError(f"condition {operator} is not understood here")
            for key, wanted in tests.items():
                tag = re.fullmatch(r"(?:secretsmanager|aws):ResourceTag/(.+)", key)
                if tag is None:
                    raise ValueError(f"condition key {key} is not understood here")
                if tags.get(tag.group(1)) not in _listed(wanted):
                    return False
        return True


class Resolver:
    """`Ref`, `Fn::GetAtt [X, Arn]` and `Fn::Sub` against the provisioned stack."""

    def __init__(self, refs: dict[str, str], arns: dict[str, str], pseudo: dict[str, str]) -> None:
        self.refs, self.arns, self.pseudo = refs, arns, pseudo

    def __call__(self, node: Any) -> str:
        if isinstance(node, str):
            return node
        if "Ref" in node:
            return self.refs[node["Ref"]]
        if "Fn::GetAtt" in node:
            name, attribute = node["Fn::GetAtt"]
            assert attribute == "Arn", attribute
            return self.arns[name]
        if "Fn::Sub" in node:
            return re.sub(r"\$\{([^}]+)\}", lambda m: self._sub(m.group(1)), node["Fn::Sub"])
        raise ValueError(f"cannot resolve {node}")

    def _sub(self, name: str) -> str:
        if name in self.pseudo:
            return self.pseudo[name]
        if name.endswith(".Arn"):
            return self.arns[name[: -len(".Arn")]]
        return self.refs[name]


def statements(role: dict[str, Any], resolve: Resolver) -> list[Statement]:
    found = []
    for policy in role["Properties"]["Policies"]:
        for s in policy["PolicyDocument"]["Statement"]:
            assert s["Effect"] == "Allow", s.get("Sid")  # the roles deny nothing
            raw = _listed(s["Resource"])
            resources = [resolve(r) for r in raw]
            sid, actions = s.get("Sid", ""), _listed(s["Action"])
            found.append(Statement(sid, actions, resources, raw, s.get("Condition", {})))
    return found
