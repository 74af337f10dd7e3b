"""`uppsikt policy backtest`: a candidate pack tried on what one organisation's archive still
holds, beside its live pack, without writing or notifying anything."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from app import evaluate
from support.paths import REPO
from support.stack import Stack, sqs_event, sqs_record
from uppsikt.cli.main import cli
from uppsikt.local.lambda_context import LocalContext

AUTHORITY_PAGE = "100200300400500"
SEKO_PAGE = "104729561234567"
FNR = "15507600333"
OFFICIALESE = "Vedtak fattes på bakgrunn av innkomne søknader iht. gjeldende regelverk."


def delivery(page: str, seq: int) -> bytes:
    post = f"{page}_55000{seq}"
    own = {
        "item": "status",
        "verb": "add",
        "post_id": post,
        "published": 1,
        "from": {"id": page, "name": "The organisation"},
        "created_time": 1763715500,
        "message": OFFICIALESE,
    }
    visitor = {
        "item": "comment",
        "verb": "add",
        "comment_id": f"55000{seq}_1",
        "post_id": post,
        "parent_id": post,
        "from": {"id": f"73001122{seq}", "name": "Kari Nordmann"},
        "created_time": 1763715550,
        "message": f"Fødselsnummeret mitt er {FNR}, kan dere sjå på saka mi?",
    }
    changes = [{"field": "feed", "value": v} for v in (own, visitor)]
    entry = {"id": page, "time": 1763715600, "changes": changes}
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def candidate_without_plain_language(tmp_path: Path) -> Path:
    """The shipped packs, with the authority pack's plain-language rule taken out."""
    folder = tmp_path / "policies"
    shutil.copytree(REPO / "policies", folder, ignore=shutil.ignore_patterns("registry"))
    pack = folder / "authority.yaml"
    text = pack.read_text(encoding="utf-8")
    start = text.index("  - id: authority.plain-language")
    end = text.index("  - id: authority.tone")
    pack.write_text(text[:start] + text[end:], encoding="utf-8")
    return pack


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["policy", "backtest", *args])
    return result.exit_code, result.output


def archive(stack: Stack) -> None:
    stack.publish_policy()
    stack.post_meta(delivery(AUTHORITY_PAGE, 1))
    stack.post_meta(delivery(SEKO_PAGE, 2))
    records = [sqs_record(body) for body in stack.take_queued()]
    assert evaluate(sqs_event(*records), LocalContext("test")) == {"batchItemFailures": []}


def test_a_candidate_shows_the_flags_it_would_lose_with_masked_examples(
    stack: Stack, tmp_path: Path
) -> None:
    archive(stack)
    flags_before = stack.rt.dynamodb.scan(TableName=stack.settings.flags_table)["Count"]
    stack.inbox()  # what evaluation sent; the backtest must add nothing to it

    code, out = run(
        str(candidate_without_plain_language(tmp_path)), "--org", "eksempeletaten", "--json"
    )

    assert code == 0, out
    report = json.loads(out)
    assert report["items"] == 2  # the authority's own post and its visitor's comment
    assert report["flagged_live"] == 2
    assert report["flagged_candidate"] == 1
    assert set(report["rules"]) == {"authority.plain-language"}
    change = report["rules"]["authority.plain-language"]
    assert (change["gained"], change["lost"]) == (0, 1)
    assert change["examples_lost"]
    assert FNR not in out
    # Nothing written, nobody told.
    assert stack.rt.dynamodb.scan(TableName=stack.settings.flags_table)["Count"] == flags_before
    assert stack.inbox() == []


def test_the_backtest_reads_only_the_named_organisations_archive(
    stack: Stack, tmp_path: Path
) -> None:
    archive(stack)

    code, out = run(str(REPO / "policies" / "seko.yaml"), "--org", "seko", "--json")

    assert code == 0, out
    report = json.loads(out)
    assert report["items"] == 2  # Seko's post and comment, none of the authority's
    assert report["rules"] == {}  # the live pack against itself changes nothing


def test_an_unknown_organisation_is_refused_naming_it(stack: Stack) -> None:
    stack.publish_policy()
    code, out = run(str(REPO / "policies" / "seko.yaml"), "--org", "nobody")
    assert code != 0
    assert "nobody" in out


# --- shadow --------------------------------------------------------------------------------------


def policy(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["policy", *args])
    return result.exit_code, result.output


def test_a_shadow_candidate_runs_on_live_traffic_notifies_nobody_and_can_be_promoted(
    stack: Stack, tmp_path: Path
) -> None:
    stack.publish_policy()
    candidate = candidate_without_plain_language(tmp_path)
    code, out = policy("publish", "--shadow", str(candidate))
    assert code == 0, out
    assert "in shadow" in out

    stack.post_meta(delivery(AUTHORITY_PAGE, 1))
    records = [sqs_record(body) for body in stack.take_queued()]
    assert evaluate(sqs_event(*records), LocalContext("test")) == {"batchItemFailures": []}

    # The live pack decided: both flags raised and notified, nothing more.
    flags = stack.rt.dynamodb.scan(TableName=stack.settings.flags_table)["Items"]
    assert len(flags) == 2
    sent = [m for m in stack.inbox() if "org_id" in m.get("MessageAttributes", {})]
    assert len(sent) == 2

    code, out = policy("shadow", "--org", "eksempeletaten", "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["items"] == 2
    assert report["rules"]["authority.plain-language"]["lost"] == 1
    assert set(report["rules"]) == {"authority.plain-language"}
    assert FNR not in out

    code, out = policy("promote", "authority")
    assert code == 0, out
    live = stack.rt.s3.get_object(
        Bucket=stack.settings.policy_bucket, Key="policies/authority/current.json"
    )["Body"].read()
    assert b"authority.plain-language" not in live
    code, out = policy("promote", "authority")
    assert code != 0
    assert "no shadow candidate" in out
