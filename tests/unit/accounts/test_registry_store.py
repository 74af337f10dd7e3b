"""The published registry (`accounts.store`) over its ETag cache (`stored_object`), the
registry check's secret-name rule, and `operations.secrets.put_account_secret`.

S3 and Secrets Manager are small in-memory fakes that answer the way boto3 does (a missing key is
a `ClientError` with code `NoSuchKey` from GetObject and a bare `404` from HeadObject).
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import pytest
from botocore.exceptions import ClientError

from support.tenancy import PSEUDONYMS, organisation
from support.tenancy import registry as registry_of
from uppsikt.accounts.errors import AccountNotMonitored, RegistryUnavailable
from uppsikt.accounts.model import Account, Registry
from uppsikt.accounts.registry import check
from uppsikt.accounts.secrets import ACCOUNT_SECRET_KEYS, ACCOUNT_SECRET_PREFIX
from uppsikt.accounts.store import KEY, StoredRegistry, publish
from uppsikt.api.responses import error_response
from uppsikt.model.events import Platform
from uppsikt.operations.secrets import put_account_secret
from uppsikt.stored_object import ObjectMissing, StoredObject

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient

BUCKET = "policy-bucket"
PACKS = {"nordic-baseline", "seko", "kommunal", "authority"}


# --- fakes ---------------------------------------------------------------------------------------


def client_error(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, operation)


@dataclass
class FakeS3:
    """put/get/head/delete on one bucket; `calls` records every operation, in order."""

    objects: dict[str, tuple[bytes, str, str]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    fail_with: str | None = None  # an error code every call raises (e.g. AccessDenied)

    def _found(self, operation: str, kwargs: dict[str, Any], missing: str) -> tuple[bytes, str]:
        self.calls.append(operation)
        if self.fail_with is not None:
            raise client_error(self.fail_with, operation)
        assert kwargs["Bucket"] == BUCKET
        if kwargs["Key"] not in self.objects:
            raise client_error(missing, operation)
        body, etag, _ = self.objects[kwargs["Key"]]
        return body, etag

    def put_object(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append("put_object")
        body = kwargs["Body"]
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        self.objects[kwargs["Key"]] = (body, etag, kwargs.get("ContentType", ""))
        return {"ETag": etag}

    def get_object(self, **kwargs: Any) -> dict[str, Any]:
        body, etag = self._found("get_object", kwargs, "NoSuchKey")
        return {"Body": io.BytesIO(body), "ETag": etag}

    def head_object(self, **kwargs: Any) -> dict[str, Any]:
        _, etag = self._found("head_object", kwargs, "404")
        return {"ETag": etag}

    def delete_object(self, **kwargs: Any) -> dict[str, Any]:
        self.objects.pop(kwargs["Key"], None)
        return {}

    @property
    def client(self) -> S3Client:
        return cast("S3Client", self)


class ResourceNotFoundError(Exception):
    """What `client.exceptions.ResourceNotFoundException` is for the fake."""


class _Exceptions:
    ResourceNotFoundException = ResourceNotFoundError


@dataclass
class FakeSecrets:
    values: dict[str, str] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    exceptions: _Exceptions = field(default_factory=_Exceptions)

    def put_secret_value(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append("put_secret_value")
        if kwargs["SecretId"] not in self.values:
            raise ResourceNotFoundError(kwargs["SecretId"])
        self.values[kwargs["SecretId"]] = kwargs["SecretString"]
        return {}

    def create_secret(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append("create_secret")
        assert kwargs["Name"] not in self.values
        self.values[kwargs["Name"]] = kwargs["SecretString"]
        self.tags[kwargs["Name"]] = {t["Key"]: t["Value"] for t in kwargs.get("Tags", [])}
        return {}

    def tag_resource(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append("tag_resource")
        self.tags.setdefault(kwargs["SecretId"], {}).update(
            {t["Key"]: t["Value"] for t in kwargs["Tags"]}
        )
        return {}

    @property
    def client(self) -> SecretsManagerClient:
        return cast("SecretsManagerClient", self)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def account(account_id: str, platform: str = "facebook", **fields: Any) -> Account:
    return Account.model_validate(
        {
            "id": account_id,
            "platform": platform,
            "platform_account_id": fields.pop("platform_account_id", f"id-of-{account_id}"),
            "name": fields.pop("name", account_id),
            "organisation": "facket",
            **fields,
        }
    )


FACKET = organisation(
    "facket", policy_pack="seko", designated_admins={"facebook": ["7300112233440001"]}
)
REGISTRY = registry_of(
    account("seko-facebook", name="Seko på Facebook", platform_account_id="104729561234567"),
    account("seko-youtube", "youtube", platform_account_id="UCfackNordenDemoKanal001"),
    account("other-facebook", platform_account_id="100200300400500"),
    account("kommunal-mastodon", "mastodon", api_base="https://social.kommunal.example"),
    organisations=(FACKET,),
)
PUBLISHED = REGISTRY.with_pseudonymous_admins(PSEUDONYMS)


def stored(s3: FakeS3, max_age: float = 60.0) -> StoredRegistry:
    return StoredRegistry(s3.client, BUCKET, max_age)


# --- publish -------------------------------------------------------------------------------------


def test_publish_writes_the_registry_as_json_at_the_well_known_key_and_counts_its_accounts() -> (
    None
):
    s3 = FakeS3()
    assert publish(s3.client, BUCKET, REGISTRY, PSEUDONYMS) == 4
    body, _, content_type = s3.objects[KEY]
    assert KEY == "accounts/current.json"
    assert content_type == "application/json"
    assert Registry.model_validate_json(body) == PUBLISHED
    assert "Seko på Facebook" in body.decode("utf-8")  # UTF-8, not \u-escaped


def test_admins_are_published_as_the_pseudonyms_their_posts_will_carry_never_as_ids() -> None:
    s3 = FakeS3()
    publish(s3.client, BUCKET, REGISTRY, PSEUDONYMS)
    body = s3.objects[KEY][0].decode()
    assert "7300112233440001" not in body
    published = stored(s3).current()
    assert published.pseudonymised
    tenant = published.tenant(Platform.FACEBOOK, "104729561234567")
    assert tenant is not None
    assert tenant.admins == {PSEUDONYMS.pseudonym(Platform.FACEBOOK, "7300112233440001")}


def test_a_registry_not_published_by_accounts_publish_is_refused() -> None:
    s3 = FakeS3()
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=REGISTRY.model_dump_json().encode())
    with pytest.raises(RegistryUnavailable, match="accounts publish"):
        stored(s3).current()


def test_tenant_names_the_organisation_and_refuses_an_unlisted_account() -> None:
    s3 = FakeS3()
    publish(s3.client, BUCKET, REGISTRY, PSEUDONYMS)
    registry = stored(s3)
    assert registry.tenant(Platform.YOUTUBE, "UCfackNordenDemoKanal001").org_id == "facket"
    with pytest.raises(AccountNotMonitored) as caught:
        registry.tenant(Platform.FACEBOOK, "999888777666")
    assert "999888777666" not in str(caught.value)


def test_what_is_published_is_what_the_functions_read() -> None:
    s3 = FakeS3()
    publish(s3.client, BUCKET, REGISTRY, PSEUDONYMS)
    assert stored(s3).current() == PUBLISHED


# --- StoredRegistry ------------------------------------------------------------------------------


def test_without_a_published_registry_the_error_names_the_fix_and_becomes_a_503() -> None:
    with pytest.raises(RegistryUnavailable, match="uppsikt accounts publish") as caught:
        stored(FakeS3()).current()
    assert caught.value.status == 503
    assert isinstance(caught.value.__cause__, ObjectMissing)
    assert f"s3://{BUCKET}/{KEY}" in str(caught.value)
    response = error_response(caught.value)
    assert response.status_code == 503
    # The RegistryUnavailable kind scheduled jobs wait out quietly (uppsikt/accounts/waiting.py).
    assert json.loads(response.body)["error"] == "RegistryNotPublished"


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b'{"accounts": [{"id": "Bad Id", "platform": "facebook"}]}',
        b'{"accounts": [], "extra": true}',
        b"\xff\xfe",
    ],
    ids=["not-json", "invalid-account", "unknown-field", "not-utf8"],
)
def test_an_unreadable_published_registry_is_unavailable_not_used(body: bytes) -> None:
    s3 = FakeS3()
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=body)
    with pytest.raises(RegistryUnavailable, match="invalid") as caught:
        stored(s3).current()
    assert f"s3://{BUCKET}/{KEY}" in str(caught.value)
    assert error_response(caught.value).status_code == 503


def test_on_lists_only_the_accounts_of_that_platform_in_registry_order() -> None:
    s3 = FakeS3()
    publish(s3.client, BUCKET, REGISTRY, PSEUDONYMS)
    registry = stored(s3)
    assert [a.id for a in registry.on(Platform.FACEBOOK)] == ["seko-facebook", "other-facebook"]
    assert [a.id for a in registry.on(Platform.YOUTUBE)] == ["seko-youtube"]
    assert registry.on(Platform.X) == ()


def test_by_key_finds_the_account_a_route_names_on_its_own_platform_only() -> None:
    s3 = FakeS3()
    publish(s3.client, BUCKET, REGISTRY, PSEUDONYMS)
    registry = stored(s3)
    assert registry.by_key(Platform.YOUTUBE, "seko-youtube").platform_account_id == (
        "UCfackNordenDemoKanal001"
    )
    with pytest.raises(AccountNotMonitored):
        registry.by_key(Platform.MASTODON, "seko-youtube")  # listed, but not on Mastodon
    with pytest.raises(AccountNotMonitored) as caught:
        registry.by_key(Platform.YOUTUBE, "nobody")
    assert error_response(caught.value).status_code == 404


def test_by_key_never_repeats_the_route_key() -> None:
    s3 = FakeS3()
    publish(s3.client, BUCKET, REGISTRY, PSEUDONYMS)
    key = "karin-lindqvist-811218-9876"
    with pytest.raises(AccountNotMonitored) as caught:
        stored(s3).by_key(Platform.YOUTUBE, key)
    assert "karin" not in str(caught.value)
    assert "9876" not in str(caught.value)


def test_by_platform_id_finds_the_account_and_never_repeats_an_unknown_id() -> None:
    s3 = FakeS3()
    publish(s3.client, BUCKET, REGISTRY, PSEUDONYMS)
    registry = stored(s3)
    assert registry.by_platform_id(Platform.FACEBOOK, "100200300400500").id == "other-facebook"
    with pytest.raises(AccountNotMonitored) as caught:
        registry.by_platform_id(Platform.YOUTUBE, "104729561234567")  # a Facebook page's id
    with pytest.raises(AccountNotMonitored) as unknown:
        registry.by_platform_id(Platform.FACEBOOK, "999888777666")
    assert "999888777666" not in str(unknown.value)
    assert "youtube" in str(caught.value)


def test_a_newly_published_registry_is_seen_once_max_age_has_passed() -> None:
    s3 = FakeS3()
    publish(s3.client, BUCKET, REGISTRY, PSEUDONYMS)
    registry = stored(s3, max_age=0)
    assert len(registry.current().accounts) == 4
    publish(s3.client, BUCKET, registry_of(REGISTRY.accounts[0]), PSEUDONYMS)
    assert [a.id for a in registry.current().accounts] == ["seko-facebook"]


# --- StoredObject --------------------------------------------------------------------------------


@dataclass
class Counted:
    """A parser that counts its calls and remembers the location it was given."""

    calls: int = 0
    locations: list[str] = field(default_factory=list)

    def __call__(self, body: bytes, location: str) -> dict[str, Any]:
        self.calls += 1
        self.locations.append(location)
        value = json.loads(body)
        if not isinstance(value, dict):
            raise ValueError("not an object")
        return value


def store_of(s3: FakeS3, clock: Clock, parse: Counted) -> StoredObject[dict[str, Any]]:
    return StoredObject(s3.client, BUCKET, "doc.json", parse, max_age=60.0, monotonic=clock)


def test_within_max_age_the_cached_value_is_returned_without_asking_s3() -> None:
    s3, clock, parse = FakeS3(), Clock(), Counted()
    s3.put_object(Bucket=BUCKET, Key="doc.json", Body=b'{"v": 1}')
    store = store_of(s3, clock, parse)
    first = store.current()
    s3.calls.clear()
    s3.put_object(Bucket=BUCKET, Key="doc.json", Body=b'{"v": 2}')
    clock.now += 59.9
    assert store.current() is first
    assert s3.calls == ["put_object"]  # neither head nor get
    assert parse.calls == 1
    assert parse.locations == [f"s3://{BUCKET}/doc.json"]


def test_after_max_age_an_unchanged_etag_costs_one_head_and_no_parse() -> None:
    s3, clock, parse = FakeS3(), Clock(), Counted()
    s3.put_object(Bucket=BUCKET, Key="doc.json", Body=b'{"v": 1}')
    store = store_of(s3, clock, parse)
    first = store.current()
    s3.calls.clear()
    clock.now += 60
    assert store.current() is first
    assert s3.calls == ["head_object"]
    clock.now += 30  # the check restarted the max_age window
    assert store.current() is first
    assert s3.calls == ["head_object"]
    assert parse.calls == 1


def test_after_max_age_a_changed_etag_is_fetched_and_parsed_again() -> None:
    s3, clock, parse = FakeS3(), Clock(), Counted()
    s3.put_object(Bucket=BUCKET, Key="doc.json", Body=b'{"v": 1}')
    store = store_of(s3, clock, parse)
    assert store.current() == {"v": 1}
    s3.put_object(Bucket=BUCKET, Key="doc.json", Body=b'{"v": 2}')
    s3.calls.clear()
    clock.now += 61
    assert store.current() == {"v": 2}
    assert s3.calls == ["head_object", "get_object"]
    assert parse.calls == 2
    s3.calls.clear()
    clock.now += 61
    assert store.current() == {"v": 2}
    assert s3.calls == ["head_object"]  # the new ETag was remembered


def test_a_missing_object_is_object_missing_before_and_after_a_cached_read() -> None:
    s3, clock, parse = FakeS3(), Clock(), Counted()
    store = store_of(s3, clock, parse)
    with pytest.raises(ObjectMissing, match=f"s3://{BUCKET}/doc.json"):
        store.current()
    s3.put_object(Bucket=BUCKET, Key="doc.json", Body=b'{"v": 1}')
    assert store.current() == {"v": 1}
    s3.delete_object(Bucket=BUCKET, Key="doc.json")
    clock.now += 61
    with pytest.raises(ObjectMissing):  # HeadObject's bare 404 is read as missing too
        store.current()


def test_other_s3_errors_are_not_mistaken_for_a_missing_object() -> None:
    s3, clock, parse = FakeS3(), Clock(), Counted()
    s3.fail_with = "AccessDenied"
    with pytest.raises(ClientError) as caught:
        store_of(s3, clock, parse).current()
    assert not isinstance(caught.value, ObjectMissing)
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_a_bad_new_version_is_not_cached_and_a_fixed_one_is_picked_up() -> None:
    s3, clock, parse = FakeS3(), Clock(), Counted()
    s3.put_object(Bucket=BUCKET, Key="doc.json", Body=b'{"v": 1}')
    store = store_of(s3, clock, parse)
    store.current()
    s3.put_object(Bucket=BUCKET, Key="doc.json", Body=b"[1, 2]")
    clock.now += 61
    with pytest.raises(ValueError, match="not an object"):
        store.current()
    with pytest.raises(ValueError, match="not an object"):
        store.current()  # asked again, not served from a half-updated cache
    s3.put_object(Bucket=BUCKET, Key="doc.json", Body=b'{"v": 3}')
    assert store.current() == {"v": 3}


# --- the registry check: where account secrets may live -----------------------------------------


@pytest.mark.parametrize(
    "secret_name",
    [
        "uppsikt-test-MetaSecret",
        "other/accounts/seko-x",
        "uppsikt/accounts",
        "uppsikt/accountsseko-x",
        "Uppsikt/Accounts/seko-x",
        "/uppsikt/accounts/seko-x",
    ],
)
def test_a_secret_name_outside_the_account_prefix_is_a_problem_naming_the_account(
    secret_name: str,
) -> None:
    registry = registry_of(account("seko-x", "x", secret_name=secret_name))
    (problem,) = check(registry, "accounts.yaml", PACKS)
    assert (problem.file, problem.rule, problem.field) == ("accounts.yaml", "seko-x", "secret_name")
    assert ACCOUNT_SECRET_PREFIX in problem.message


@pytest.mark.parametrize("secret_name", [None, "uppsikt/accounts/seko-x"])
def test_no_secret_or_one_under_the_prefix_passes_the_check(secret_name: str | None) -> None:
    registry = registry_of(account("seko-x", "x", secret_name=secret_name))
    assert check(registry, "accounts.yaml", PACKS) == []


def test_only_the_accounts_with_a_bad_secret_name_are_reported() -> None:
    registry = registry_of(
        account("a", secret_name="uppsikt/accounts/a"),
        account("b", secret_name="elsewhere/b"),
        account("c", secret_name="elsewhere/c"),
    )
    assert [(p.rule, p.field) for p in check(registry, "f", PACKS)] == [
        ("b", "secret_name"),
        ("c", "secret_name"),
    ]


# --- put_account_secret --------------------------------------------------------------------------

NAME = "uppsikt/accounts/kommunal-mastodon"
TOKEN = "mastodon-access-token-value-0001"


def test_a_new_account_secret_is_created_and_only_its_keys_are_returned() -> None:
    secrets = FakeSecrets()
    keys = put_account_secret(
        secrets.client, NAME, "mastodon", {"webhook_secret": "hook-value", "access_token": TOKEN}
    )
    assert keys == ["access_token", "webhook_secret"]
    assert secrets.calls == ["put_secret_value", "create_secret"]
    assert secrets.tags[NAME] == {"uppsikt-platform": "mastodon"}
    assert json.loads(secrets.values[NAME]) == {
        "webhook_secret": "hook-value",
        "access_token": TOKEN,
    }


def test_an_existing_account_secret_is_replaced_not_created_again() -> None:
    secrets = FakeSecrets(values={NAME: json.dumps({"access_token": "old"})})
    assert put_account_secret(secrets.client, NAME, "mastodon", {"access_token": TOKEN}) == [
        "access_token"
    ]
    # Tagged again: a secret set before the tag existed gets it (the webhook role reads it).
    assert secrets.calls == ["put_secret_value", "tag_resource"]
    assert secrets.tags[NAME] == {"uppsikt-platform": "mastodon"}
    assert json.loads(secrets.values[NAME]) == {"access_token": TOKEN}


def test_the_whole_secret_is_replaced_so_keys_not_given_are_dropped() -> None:
    secrets = FakeSecrets(values={NAME: json.dumps({"webhook_secret": "hook-value"})})
    put_account_secret(secrets.client, NAME, "mastodon", {"access_token": TOKEN})
    assert json.loads(secrets.values[NAME]) == {"access_token": TOKEN}


@pytest.mark.parametrize(
    "name", ["kommunal-mastodon", "uppsikt/accountskommunal", "uppsikt-test-MetaSecret", ""]
)
def test_a_secret_outside_the_account_prefix_is_refused_before_anything_is_written(
    name: str,
) -> None:
    secrets = FakeSecrets()
    with pytest.raises(ValueError, match="uppsikt/accounts/<account id>"):
        put_account_secret(secrets.client, name, "mastodon", {"access_token": TOKEN})
    assert secrets.calls == []


@pytest.mark.parametrize(
    ("platform", "values", "named"),
    [
        (
            "facebook",
            {"access_token": TOKEN, "webhook_secret": "hook-secret-value-77"},
            "webhook_secret",
        ),
        ("mastodon", {"acess_token": TOKEN}, "acess_token"),
        ("x", {"access_token": TOKEN}, "access_token"),
        (
            "bluesky",
            {"identifier": "seko.bsky.social", "password": "app-password-value-88"},
            "password",
        ),
        ("myspace", {"access_token": TOKEN}, "access_token"),
    ],
    ids=["facebook-webhook", "typo", "x-uses-bearer", "bluesky-password", "unknown-platform"],
)
def test_keys_a_platform_does_not_use_are_refused_by_name_never_by_value(
    platform: str, values: dict[str, str], named: str
) -> None:
    secrets = FakeSecrets()
    with pytest.raises(ValueError, match=f"unknown keys for {platform}") as caught:
        put_account_secret(secrets.client, NAME, platform, values)
    assert named in str(caught.value)
    for value in values.values():
        assert value not in str(caught.value)
    assert secrets.calls == []


def test_every_key_each_platform_lists_is_accepted() -> None:
    for platform, keys in ACCOUNT_SECRET_KEYS.items():
        secrets = FakeSecrets()
        values = {key: f"value-of-{key}" for key in keys}
        assert put_account_secret(secrets.client, NAME, platform, values) == sorted(keys)


@pytest.mark.parametrize("value", ["", None, 42, ["a-token"], {"nested": "token"}], ids=repr)
def test_empty_or_non_string_values_are_refused_and_nothing_is_written(value: object) -> None:
    secrets = FakeSecrets(values={NAME: json.dumps({"access_token": "kept"})})
    with pytest.raises(ValueError, match="non-empty string"):
        put_account_secret(
            secrets.client, NAME, "mastodon", {"webhook_secret": "fine", "access_token": value}
        )
    assert secrets.calls == []
    assert json.loads(secrets.values[NAME]) == {"access_token": "kept"}


def test_an_empty_object_is_refused_rather_than_wiping_the_secret() -> None:
    secrets = FakeSecrets(values={NAME: json.dumps({"access_token": "kept"})})
    with pytest.raises(ValueError, match=r"."):  # any reason will do
        put_account_secret(secrets.client, NAME, "mastodon", {})
    assert json.loads(secrets.values[NAME]) == {"access_token": "kept"}
