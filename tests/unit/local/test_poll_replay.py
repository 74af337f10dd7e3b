"""`local.poll_replay`: the recorded platform answers under events/poll/ load, name files that
exist, skip the runs marked optional, and are served by a loopback `FakeApi` in manifest order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.paths import EVENTS
from uppsikt.local.fake_api import FakeApi
from uppsikt.local.poll_replay import Recording, recordings
from uppsikt.model.events import Platform
from uppsikt.polling.http import UrllibHttp
from uppsikt.polling.ports import HttpRequest, HttpResponse

POLL = EVENTS / "poll"
MANIFESTS = sorted(POLL.glob("*/routes.json"))
HTTP = UrllibHttp()


@pytest.fixture(scope="module")
def server() -> Iterator[FakeApi]:
    with FakeApi() as api:
        yield api


@pytest.fixture
def api(server: FakeApi) -> FakeApi:
    server.reset()
    return server


def get(api: FakeApi, path: str, method: str = "GET", **params: str) -> HttpResponse:
    request = HttpRequest(method, api.base_url + path, params=tuple(params.items()))
    return HTTP.send(request, timeout=5.0)


def manifest(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def write_recording(folder: Path, runs: list[dict[str, Any]], **extra: Any) -> Recording:
    """A recording of its own: answers `a.json`, `b.json` and `feed.xml`, and the given runs."""
    folder.mkdir(exist_ok=True)
    (folder / "a.json").write_text('{"answer": "a"}')
    (folder / "b.json").write_text('{"answer": "b"}')
    (folder / "feed.xml").write_text("<feed/>")
    document = {
        "platform": "mastodon",
        "account": {"platform_account_id": "109000000000000001"},
        "runs": runs,
        **extra,
    }
    (folder / "routes.json").write_text(json.dumps(document))
    return Recording.load(folder)


def route(path: str, *files: str, match: dict[str, str] | None = None, **reply: Any) -> Any:
    return {
        "method": "GET",
        "path": path,
        "match": match or {},
        "replies": [{"file": f, "status": 200, **reply} for f in files],
    }


# --- the shipped recordings ----------------------------------------------------------------------


def test_there_is_a_recording_for_every_polled_platform_folder() -> None:
    loaded = recordings(POLL)
    assert [r.folder.name for r in loaded] == [p.parent.name for p in MANIFESTS]
    assert {r.platform for r in loaded} >= {"bluesky", "instagram", "linkedin", "mastodon"}


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.parent.name)
def test_every_manifest_loads_with_its_account_and_replayable_runs(path: Path) -> None:
    recording = Recording.load(path.parent)
    raw = manifest(path)
    assert Platform(recording.platform).value == path.parent.name
    assert recording.platform_account_id == raw["account"]["platform_account_id"]
    assert recording.credentials == raw["account"].get("credentials", {})
    assert recording.api_base_path == raw.get("api_base_path", "")
    assert recording.runs == tuple(r for r in raw["runs"] if not r.get("optional"))
    assert recording.runs, "a recording with nothing to replay"


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.parent.name)
def test_every_file_a_manifest_names_exists_including_optional_runs(path: Path) -> None:
    named = [
        reply["file"]
        for run in manifest(path)["runs"]
        for r in run["routes"]
        for reply in r["replies"]
    ]
    assert named
    missing = [name for name in named if not (path.parent / name).is_file()]
    assert missing == []


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.parent.name)
def test_every_route_of_every_replayed_run_answers_its_own_first_reply(
    api: FakeApi, path: Path
) -> None:
    recording = Recording.load(path.parent)
    for index, run in enumerate(recording.runs):
        for r in run["routes"]:
            recording.serve(api, index)  # fresh replies for every route: none used up yet
            response = get(api, r["path"], r["method"], **r.get("match", {}))
            first = r["replies"][0]
            assert response.status == first.get("status", 200), (index, r["path"])
            assert response.body == (path.parent / first["file"]).read_bytes(), (
                f"run {index}: {r['path']} {r.get('match')} is shadowed by an earlier route"
            )


# --- loading -------------------------------------------------------------------------------------


def test_runs_marked_optional_are_skipped_and_the_rest_keep_their_order(tmp_path: Path) -> None:
    runs: list[dict[str, Any]] = [
        {"note": "first", "routes": [route("/x", "a.json")]},
        {"note": "rate limited", "routes": [route("/x", "b.json")], "optional": True},
        {"note": "second", "routes": [route("/x", "b.json")], "optional": False},
        {"note": "expired session", "routes": [route("/x", "a.json")], "optional": True},
    ]

    recording = write_recording(tmp_path / "rec", runs)

    assert [r["note"] for r in recording.runs] == ["first", "second"]


def test_a_manifest_without_api_base_path_or_credentials_gets_empty_defaults(
    tmp_path: Path,
) -> None:
    recording = write_recording(tmp_path / "rec", [{"routes": [route("/x", "a.json")]}])
    assert (recording.api_base_path, recording.credentials) == ("", {})
    assert recording.folder == tmp_path / "rec"


# --- serving -------------------------------------------------------------------------------------


def test_routes_are_served_in_manifest_order_so_the_first_match_wins(
    api: FakeApi, tmp_path: Path
) -> None:
    specific_first = write_recording(
        tmp_path / "specific-first",
        [{"routes": [route("/items", "b.json", match={"page": "2"}), route("/items", "a.json")]}],
    )
    specific_first.serve(api, 0)
    assert get(api, "/items", page="2").body == b'{"answer": "b"}'
    assert get(api, "/items").body == b'{"answer": "a"}'

    catch_all_first = write_recording(
        tmp_path / "catch-all-first",
        [{"routes": [route("/items", "a.json"), route("/items", "b.json", match={"page": "2"})]}],
    )
    catch_all_first.serve(api, 0)
    assert get(api, "/items", page="2").body == b'{"answer": "a"}'


def test_serving_a_run_replaces_the_previous_runs_routes_and_requests(
    api: FakeApi, tmp_path: Path
) -> None:
    recording = write_recording(
        tmp_path / "rec",
        [{"routes": [route("/first", "a.json")]}, {"routes": [route("/second", "b.json")]}],
    )
    recording.serve(api, 0)
    assert get(api, "/first").status == 200

    recording.serve(api, 1)

    assert api.requests == []
    assert get(api, "/first").status == 404
    assert get(api, "/second").body == b'{"answer": "b"}'


def test_a_runs_index_counts_only_the_replayed_runs(api: FakeApi, tmp_path: Path) -> None:
    recording = write_recording(
        tmp_path / "rec",
        [
            {"routes": [route("/x", "a.json")]},
            {"routes": [route("/x", "a.json", status=429)], "optional": True},
            {"routes": [route("/x", "b.json")]},
        ],
    )
    recording.serve(api, 1)
    response = get(api, "/x")
    assert (response.status, response.body) == (200, b'{"answer": "b"}')


def test_replies_carry_their_status_headers_and_content_type(api: FakeApi, tmp_path: Path) -> None:
    recording = write_recording(
        tmp_path / "rec",
        [
            {
                "routes": [
                    route("/limited", "a.json", status=429, headers={"Retry-After": "30"}),
                    route("/feed", "feed.xml"),
                ]
            }
        ],
    )
    recording.serve(api, 0)

    limited = get(api, "/limited")
    assert (limited.status, limited.headers["retry-after"]) == (429, "30")
    assert limited.headers["content-type"] == "application/json"
    feed = get(api, "/feed")
    assert (feed.headers["content-type"], feed.body) == ("application/atom+xml", b"<feed/>")


def test_a_routes_replies_are_answered_in_turn_and_the_last_repeats(
    api: FakeApi, tmp_path: Path
) -> None:
    recording = write_recording(tmp_path / "rec", [{"routes": [route("/x", "a.json", "b.json")]}])
    recording.serve(api, 0)
    assert [get(api, "/x").body for _ in range(3)] == [
        b'{"answer": "a"}',
        b'{"answer": "b"}',
        b'{"answer": "b"}',
    ]
