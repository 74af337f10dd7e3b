"""Create infra/resources.yaml on the embedded AWS, through moto's CloudFormation.

moto's CloudFormation does not implement every resource type or property. What it lacks (see
`shim_for`: secrets, an asymmetric signing key, a bucket with Object Lock, bucket policies) is
created here through
the service API, from the same definitions in the template, so nothing exists only in this module.
"""

from __future__ import annotations

import json
import re
import secrets
import string
from collections.abc import Callable
from typing import Any

import boto3

from uppsikt import infra

Shim = Callable[[boto3.Session, str, str, dict[str, Any]], str]


class ProvisionError(Exception):
    """The embedded AWS could not be built from infra/."""


def _generated_secret(spec: dict[str, Any]) -> str:
    alphabet = string.ascii_letters + string.digits
    if not spec.get("ExcludePunctuation", False):
        alphabet += "!#$%&()*+,-.:;<=>?@[]^_{|}~"
    value = "".join(secrets.choice(alphabet) for _ in range(int(spec.get("PasswordLength", 32))))
    if "GenerateStringKey" not in spec:
        return value
    document = json.loads(spec.get("SecretStringTemplate", "{}"))
    document[spec["GenerateStringKey"]] = value
    return json.dumps(document)


def _secret(session: boto3.Session, stack: str, logical_id: str, props: dict[str, Any]) -> str:
    client = session.client("secretsmanager")
    if "SecretString" in props:
        value = str(props["SecretString"])
    else:
        value = _generated_secret(props.get("GenerateSecretString", {}))
    name = props.get("Name") or f"{stack}-{logical_id}"
    extra = {"KmsKeyId": props["KmsKeyId"]} if props.get("KmsKeyId") else {}
    response = client.create_secret(
        Name=name, Description=props.get("Description", ""), SecretString=value, **extra
    )
    return response["ARN"]  # what `Ref` returns for this type


def _signing_key(session: boto3.Session, stack: str, logical_id: str, props: dict[str, Any]) -> str:
    # moto's CloudFormation makes every key a symmetric ENCRYPT_DECRYPT one.
    response = session.client("kms").create_key(
        Description=props.get("Description", ""),
        KeySpec=props["KeySpec"],
        KeyUsage=props["KeyUsage"],
        Policy=json.dumps(props["KeyPolicy"]),
    )
    return response["KeyMetadata"]["KeyId"]  # what `Ref` returns for this type


def _locked_bucket(
    session: boto3.Session, stack: str, logical_id: str, props: dict[str, Any]
) -> str:
    # moto's CloudFormation ignores ObjectLockEnabled and ObjectLockConfiguration.
    client = session.client("s3")
    name = f"{stack}-{logical_id}-{secrets.token_hex(4)}".lower()
    region = client.meta.region_name
    create: dict[str, Any] = {"Bucket": name, "ObjectLockEnabledForBucket": True}
    if region != "us-east-1":
        create["CreateBucketConfiguration"] = {"LocationConstraint": region}
    client.create_bucket(**create)
    client.put_object_lock_configuration(
        Bucket=name, ObjectLockConfiguration=props["ObjectLockConfiguration"]
    )
    if "PublicAccessBlockConfiguration" in props:
        client.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
        )
    if "BucketEncryption" in props:
        encryption: Any = {  # CloudFormation's spelling, in the S3 API's
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"],
                    "BucketKeyEnabled": rule.get("BucketKeyEnabled", False),
                }
                for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            ]
        }
        client.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration=encryption)
    if "LifecycleConfiguration" in props:
        rules: Any = _lifecycle_rules(props)  # built from the template: checked by the call
        client.put_bucket_lifecycle_configuration(
            Bucket=name, LifecycleConfiguration={"Rules": rules}
        )
    return name  # what `Ref` returns for this type


def _lifecycle_rules(props: dict[str, Any]) -> list[dict[str, Any]]:
    """CloudFormation's spelling of the lifecycle rules infra/ uses, in the S3 API's."""
    rules = []
    for rule in props["LifecycleConfiguration"]["Rules"]:
        api: dict[str, Any] = {"ID": rule["Id"], "Status": rule["Status"], "Filter": {"Prefix": ""}}
        if "ExpirationInDays" in rule:
            api["Expiration"] = {"Days": rule["ExpirationInDays"]}
        if "NoncurrentVersionExpiration" in rule:
            days = rule["NoncurrentVersionExpiration"]["NoncurrentDays"]
            api["NoncurrentVersionExpiration"] = {"NoncurrentDays": days}
        if "AbortIncompleteMultipartUpload" in rule:
            days = rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]
            api["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days}
        rules.append(api)
    return rules


def _user_pool(session: boto3.Session, stack: str, logical_id: str, props: dict[str, Any]) -> str:
    settings = {k: v for k, v in props.items() if k in ("AdminCreateUserConfig", "Policies")}
    pool = session.client("cognito-idp").create_user_pool(
        PoolName=f"{stack}-{logical_id}", **settings
    )
    return str(pool["UserPool"]["Id"])


def _user_pool_client(
    session: boto3.Session, stack: str, logical_id: str, props: dict[str, Any]
) -> str:
    wanted = ("UserPoolId", "GenerateSecret", "ExplicitAuthFlows", "PreventUserExistenceErrors")
    client = session.client("cognito-idp").create_user_pool_client(
        ClientName=f"{stack}-{logical_id}", **{k: v for k, v in props.items() if k in wanted}
    )
    return str(client["UserPoolClient"]["ClientId"])


def _subscription(
    session: boto3.Session, stack: str, logical_id: str, props: dict[str, Any]
) -> str:
    attributes = {"RawMessageDelivery": "true"} if props.get("RawMessageDelivery") else {}
    response = session.client("sns").subscribe(
        TopicArn=props["TopicArn"],
        Protocol=props["Protocol"],
        Endpoint=props["Endpoint"],
        Attributes=attributes,
        ReturnSubscriptionArn=True,
    )
    return response["SubscriptionArn"]


def _queue_policy(
    session: boto3.Session, stack: str, logical_id: str, props: dict[str, Any]
) -> str:
    client = session.client("sqs")
    for url in props["Queues"]:
        client.set_queue_attributes(
            QueueUrl=url, Attributes={"Policy": json.dumps(props["PolicyDocument"])}
        )
    return f"{stack}-{logical_id}"


def _bucket_policy(
    session: boto3.Session, stack: str, logical_id: str, props: dict[str, Any]
) -> str:
    """Checked, not applied. moto enforces a bucket policy's Deny statements but ignores their
    conditions (moto/iam/access_control.py), so the TLS-only and KMS-only statements would refuse
    every request; and the embedded AWS speaks plain HTTP, which AWS would refuse too."""
    session.client("s3").head_bucket(Bucket=props["Bucket"])
    if not props["PolicyDocument"].get("Statement"):
        raise ProvisionError(f"{logical_id}: an empty bucket policy")
    return f"{stack}-{logical_id}"


_SHIMS: dict[str, Shim] = {
    "AWS::SecretsManager::Secret": _secret,
    "AWS::Cognito::UserPool": _user_pool,
    "AWS::Cognito::UserPoolClient": _user_pool_client,
    # Notifications (issue 11): moto's CloudFormation lacks these two.
    "AWS::SNS::Subscription": _subscription,
    "AWS::SQS::QueuePolicy": _queue_policy,
    # moto's CloudFormation has no bucket policies either (issue 13: TLS- and KMS-only buckets).
    "AWS::S3::BucketPolicy": _bucket_policy,
}


def _resolve(node: Any, refs: dict[str, str], arns: dict[str, str]) -> Any:
    """A shimmed resource's properties with `Ref`, `Fn::GetAtt: [X, Arn]` and `Fn::Sub` of those
    resolved against the created stack (parameters, physical ids, queue, bucket and key ARNs)."""
    if isinstance(node, dict):
        if set(node) == {"Ref"}:
            return refs[node["Ref"]]
        if set(node) == {"Fn::GetAtt"} and node["Fn::GetAtt"][1] == "Arn":
            return arns[node["Fn::GetAtt"][0]]
        if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
            return _SUB.sub(lambda m: arns[m[1]] if m[2] == ".Arn" else refs[m[1]], node["Fn::Sub"])
        return {k: _resolve(v, refs, arns) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, refs, arns) for v in node]
    return node


_SUB = re.compile(r"\$\{([A-Za-z0-9:]+)(\.Arn)?\}")


def _condition(node: Any, params: dict[str, str]) -> bool:
    """The two condition functions infra/ uses: `Fn::Not` of `Fn::Equals`."""
    if "Fn::Not" in node:
        return not _condition(node["Fn::Not"][0], params)
    left, right = (params[v["Ref"]] if isinstance(v, dict) else v for v in node["Fn::Equals"])
    return bool(left == right)


def shim_for(resource: dict[str, Any]) -> Shim | None:
    props = resource.get("Properties", {})
    if resource["Type"] == "AWS::KMS::Key" and props.get("KeyUsage") == "SIGN_VERIFY":
        return _signing_key
    # A bucket with its own lock rule (the checkpoints) is made here; one that only enables Object
    # Lock for legal holds (the evidence) is made by moto and locked by `_lock_buckets`.
    if resource["Type"] == "AWS::S3::Bucket" and props.get("ObjectLockConfiguration"):
        return _locked_bucket
    return _SHIMS.get(resource["Type"])


def _shim(resource: dict[str, Any]) -> Shim:
    shim = shim_for(resource)
    assert shim is not None
    return shim


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found: set[str] = set()
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt" and isinstance(value, list) and value:
                found.add(str(value[0]))
            else:
                found |= _refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node)) if node else set()
    return set()


def _moto_spelling(resource: dict[str, Any]) -> dict[str, Any]:
    """moto's CloudFormation hands a table's `SSESpecification` to its DynamoDB as is, which reads
    the API's spelling (`Enabled`, not `SSEEnabled`) and would report the table unencrypted."""
    sse = resource.get("Properties", {}).get("SSESpecification")
    if resource["Type"] != "AWS::DynamoDB::Table" or not sse or "SSEEnabled" not in sse:
        return resource
    properties = {
        **resource["Properties"],
        "SSESpecification": {**sse, "Enabled": sse["SSEEnabled"]},
    }
    return {**resource, "Properties": properties}


def _configure_buckets(session: boto3.Session, stack_name: str, resources: dict[str, Any]) -> None:
    """moto's CloudFormation applies a bucket's encryption and tags only: versioning, the public
    access block and lifecycle rules are applied here through the S3 API, from the template."""
    cfn, s3 = session.client("cloudformation"), session.client("s3")
    for logical_id, resource in resources.items():
        props = resource.get("Properties", {})
        if resource["Type"] != "AWS::S3::Bucket":
            continue
        bucket = cfn.describe_stack_resource(StackName=stack_name, LogicalResourceId=logical_id)[
            "StackResourceDetail"
        ]["PhysicalResourceId"]
        if "VersioningConfiguration" in props:
            s3.put_bucket_versioning(
                Bucket=bucket, VersioningConfiguration=props["VersioningConfiguration"]
            )
        if "PublicAccessBlockConfiguration" in props:
            s3.put_public_access_block(
                Bucket=bucket,
                PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"],
            )
        if "LifecycleConfiguration" in props:
            rules: Any = _lifecycle_rules(props)  # built from the template: checked by the call
            s3.put_bucket_lifecycle_configuration(
                Bucket=bucket, LifecycleConfiguration={"Rules": rules}
            )


def _lock_buckets(session: boto3.Session, stack_name: str, resources: dict[str, Any]) -> None:
    """moto's CloudFormation ignores `ObjectLockEnabled` (and the versioning Object Lock needs):
    apply both through the S3 API to the buckets the template asks them for."""
    locked = [k for k, v in resources.items() if v.get("Properties", {}).get("ObjectLockEnabled")]
    if not locked:
        return
    cfn, s3 = session.client("cloudformation"), session.client("s3")
    for logical_id in locked:
        bucket = cfn.describe_stack_resource(StackName=stack_name, LogicalResourceId=logical_id)[
            "StackResourceDetail"
        ]["PhysicalResourceId"]
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        s3.put_object_lock_configuration(
            Bucket=bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"}
        )


def provision(
    session: boto3.Session, stack_name: str, parameters: dict[str, str] | None = None
) -> dict[str, str]:
    """Create the stack; return its outputs keyed by the environment variable they feed."""
    template = infra.load(infra.RESOURCES)
    resources: dict[str, Any] = dict(template["Resources"])
    shimmed = {k: v for k, v in resources.items() if shim_for(v) is not None}
    for logical_id in shimmed:
        del resources[logical_id]
    for logical_id, resource in resources.items():
        if _refs(resource) & set(shimmed):
            raise ProvisionError(f"{logical_id} refers to a resource moto cannot create in a stack")
    outputs = template.get("Outputs", {})
    shim_outputs = {k: v for k, v in outputs.items() if _refs(v) & set(shimmed)}
    stack_template = {
        **template,
        "Resources": {k: _moto_spelling(v) for k, v in resources.items()},
        "Outputs": {k: v for k, v in outputs.items() if k not in shim_outputs},
    }
    cfn = session.client("cloudformation")
    cfn.create_stack(
        StackName=stack_name,
        TemplateBody=json.dumps(stack_template),
        Parameters=[
            {"ParameterKey": k, "ParameterValue": v} for k, v in (parameters or {}).items()
        ],
    )
    stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    if stack["StackStatus"] != "CREATE_COMPLETE":
        raise ProvisionError(f"stack {stack_name}: {stack['StackStatus']}")
    created = {
        r["LogicalResourceId"]
        for r in cfn.describe_stack_resources(StackName=stack_name)["StackResources"]
    }
    missing = set(resources) - created
    if missing:
        raise ProvisionError(f"moto did not create: {sorted(missing)}")

    _configure_buckets(session, stack_name, resources)
    _lock_buckets(session, stack_name, resources)
    values = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    params = {
        k: str(v.get("Default", "")) for k, v in template.get("Parameters", {}).items()
    } | dict(parameters or {})
    refs, arns = _physical_ids(session, cfn, stack_name)
    conditions = {
        name: _condition(node, params) for name, node in template.get("Conditions", {}).items()
    }
    physical: dict[str, str] = {}
    pseudo = {
        "AWS::Partition": "aws",
        "AWS::Region": session.region_name or "eu-north-1",
        "AWS::AccountId": session.client("sts").get_caller_identity()["Account"],
    }
    for logical_id, res in shimmed.items():  # in template order: a pool before its client
        if not conditions.get(res.get("Condition", ""), True):
            continue
        props = _resolve(res.get("Properties", {}), pseudo | params | refs | physical, arns)
        physical[logical_id] = _shim(res)(session, stack_name, logical_id, props)
        if res["Type"] == "AWS::S3::Bucket":
            arns[logical_id] = f"arn:aws:s3:::{physical[logical_id]}"
    for key, output in shim_outputs.items():
        value = output["Value"]
        if not (isinstance(value, dict) and set(value) == {"Ref"}):
            raise ProvisionError(f"output {key}: only Ref is supported for shimmed resources")
        values[key] = physical[value["Ref"]]
    return {infra.env_name(k): v for k, v in values.items() if k.startswith(infra.OUTPUT_PREFIX)}


def _physical_ids(
    session: boto3.Session, cfn: Any, stack_name: str
) -> tuple[dict[str, str], dict[str, str]]:
    """What `Ref` gives for each created resource, and each queue's, bucket's and key's ARN."""
    sqs = session.client("sqs")
    region = sqs.meta.region_name
    account = session.client("sts").get_caller_identity()["Account"]
    refs: dict[str, str] = {}
    arns: dict[str, str] = {}
    for r in cfn.describe_stack_resources(StackName=stack_name)["StackResources"]:
        logical, physical = r["LogicalResourceId"], r["PhysicalResourceId"]
        refs[logical] = physical
        if r["ResourceType"] == "AWS::S3::Bucket":
            arns[logical] = f"arn:aws:s3:::{physical}"
        if r["ResourceType"] == "AWS::KMS::Key":
            # Not DescribeKey: moto's CloudFormation stores KeyPolicy as a dict, which its own
            # key-policy check then fails to parse (a TypeError).
            arns[logical] = f"arn:aws:kms:{region}:{account}:key/{physical}"
        if r["ResourceType"] == "AWS::SQS::Queue":
            url = (
                physical
                if physical.startswith("http")
                else sqs.get_queue_url(QueueName=physical)["QueueUrl"]
            )
            refs[logical] = url
            arns[logical] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                "Attributes"
            ]["QueueArn"]
    return refs, arns
