"""The stored policy: compiled once per container, a new version picked up without redeploy."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.paths import REPO
from support.stack import Stack
from uppsikt.policy.errors import PolicyUnavailable
from uppsikt.policy.loader import load_file
from uppsikt.policy.store import StoredPolicy, current_key, publish


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_missing_policy_is_reported_as_unavailable_with_the_fix(stack: Stack) -> None:
    store = StoredPolicy(stack.rt.s3, stack.settings.policy_bucket, "nordic-baseline")
    with pytest.raises(PolicyUnavailable, match="uppsikt policy publish"):
        store.current()


def test_a_published_policy_is_compiled_once_and_a_new_version_picked_up_after_max_age(
    stack: Stack, tmp_path: Path
) -> None:
    clock = Clock()
    store = StoredPolicy(
        stack.rt.s3, stack.settings.policy_bucket, "nordic-baseline", max_age=60, monotonic=clock
    )
    first_version = stack.publish_policy()
    first = store.current()
    assert first.version == first_version
    assert store.current() is first  # cached: not fetched or compiled again

    source = (REPO / "policies" / "nordic-baseline.yaml").read_text()
    (tmp_path / "lexicons").symlink_to(REPO / "policies" / "lexicons")
    edited = tmp_path / "nordic-baseline.yaml"
    edited.write_text(source.replace('version: "2026.11.1"', 'version: "2026.11.2"'))
    publish(stack.rt.s3, stack.settings.policy_bucket, load_file(edited))
    assert store.current() is first  # within max_age the container keeps its copy
    clock.now = 61
    assert store.current().version.startswith("2026.11.2+")


def test_an_unchanged_policy_is_not_compiled_again_after_max_age(stack: Stack) -> None:
    clock = Clock()
    store = StoredPolicy(
        stack.rt.s3, stack.settings.policy_bucket, "nordic-baseline", max_age=60, monotonic=clock
    )
    stack.publish_policy()
    first = store.current()
    clock.now = 120
    assert store.current() is first  # same ETag: kept


def test_a_corrupted_stored_policy_is_unavailable_not_silently_used(stack: Stack) -> None:
    stack.rt.s3.put_object(
        Bucket=stack.settings.policy_bucket,
        Key=current_key("nordic-baseline"),
        Body=b'{"id": "nordic-baseline", "rules": []}',
    )
    store = StoredPolicy(stack.rt.s3, stack.settings.policy_bucket, "nordic-baseline")
    with pytest.raises(PolicyUnavailable, match="invalid"):
        store.current()
