"""`uppsikt`: the operator's command line. Each subcommand is a thin shell over a core function."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from uppsikt import infra
from uppsikt.accounts.model import Registry
from uppsikt.cli.audit import audit as audit_commands
from uppsikt.cli.deploy import register as _register_deploy
from uppsikt.cli.deploy import use_configured_settings
from uppsikt.cli.notify import notify as notify_commands
from uppsikt.cli.report import report as report_commands

if TYPE_CHECKING:
    from uppsikt.policy.engine import CompiledPolicy
    from uppsikt.policy.errors import Problem
    from uppsikt.runtime import Runtime


@click.group()
@click.version_option(package_name="uppsikt")
def cli() -> None:
    """Uppsikt: compliance monitoring for official social-media accounts."""
    if click.get_current_context().invoked_subcommand != "demo":  # the demo builds its own
        use_configured_settings()  # `uppsikt deploy configure`'s file; the environment wins


@cli.command()
@click.option("--serve", is_flag=True, help="Keep the stack and the app running after the replay.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def demo(serve: bool, as_json: bool) -> None:
    """Run the pipeline end to end on the embedded AWS (moto's server on loopback)."""
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from uppsikt.local.demo import main as run_demo

    summary = run_demo(serve=serve)
    if not serve:
        click.echo(json.dumps(summary.as_dict(), indent=2) if as_json else summary.render())
    sys.exit(0 if summary.ok else 1)


# --- dead letters ---------------------------------------------------------------------------
@cli.group()
def dlq() -> None:
    """Show and replay messages in the dead-letter queue (settings from UPPSIKT_* variables)."""


def _runtime() -> Runtime:
    from uppsikt.runtime import Runtime
    from uppsikt.settings import ConfigurationError, load_settings

    try:
        return Runtime(load_settings())
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc


@dlq.command("list")
@click.option("--json", "as_json", is_flag=True)
def dlq_list(as_json: bool) -> None:
    from uppsikt.operations.dlq import list_dead_letters

    rt = _runtime()
    letters = list_dead_letters(rt.sqs, rt.settings.ingest_dlq_url)
    if as_json:
        click.echo(json.dumps([d.as_dict() for d in letters], indent=2))
        return
    if not letters:
        click.echo("The dead-letter queue is empty.")
    for d in letters:
        kind = "permanent" if d.permanent else f"after {d.attempts} attempts"
        click.echo(
            f"{d.original_id}  {d.summary}  ({kind}, {d.dead_lettered_at or 'time unknown'})"
        )
        click.echo(f"    reason: {d.reason}")


@dlq.command("redrive")
@click.option("--id", "ids", multiple=True, help="Only these message ids (default: all).")
def dlq_redrive(ids: tuple[str, ...]) -> None:
    from uppsikt.operations.dlq import redrive

    rt = _runtime()
    moved = redrive(
        rt.sqs, rt.settings.ingest_dlq_url, rt.settings.ingest_queue_url, set(ids) if ids else None
    )
    click.echo(f"Redrove {len(moved)} message(s) to the ingest queue.")


# --- quarantine -----------------------------------------------------------------------------
@cli.group()
def quarantine() -> None:
    """Show and replay quarantined deliveries (settings from UPPSIKT_* variables)."""


@quarantine.command("list")
@click.option("--json", "as_json", is_flag=True)
def quarantine_list(as_json: bool) -> None:
    """Where each quarantined delivery is kept, its platform, arrival and reason; no content."""
    from uppsikt.operations.quarantine import list_quarantined

    rt = _runtime()
    found = list_quarantined(rt.s3, rt.settings.raw_bucket)
    if as_json:
        click.echo(json.dumps([q.as_dict() for q in found], indent=2))
        return
    if not found:
        click.echo("Nothing is quarantined.")
    for q in found:
        scope = f", entries {q.entries}" if q.entries else ""
        click.echo(f"{q.key}  {q.platform}  received {q.received_at}  ({q.bytes} bytes{scope})")
        click.echo(f"    reason: {q.reason}")


@quarantine.command("replay")
@click.option("--key", "keys", multiple=True, help="Only these keys (default: all).")
@click.option("--json", "as_json", is_flag=True)
def quarantine_replay(keys: tuple[str, ...], as_json: bool) -> None:
    """Run quarantined deliveries through ingest again; a replayed one moves to replayed/."""
    from uppsikt.operations.quarantine import PREFIX, replay

    if any(not k.startswith(PREFIX) or not k.isprintable() for k in keys):
        # Checked before anything is read; the key is not repeated (it may not even print).
        raise click.ClickException(
            f"failed: only keys under {PREFIX} are quarantined deliveries "
            "(see `uppsikt quarantine list`)"
        )
    outcomes = replay(_runtime(), list(keys) or None)
    if as_json:
        click.echo(json.dumps([o.as_dict() for o in outcomes], indent=2))
    else:
        for o in outcomes:
            click.echo(f"{o.key}: {o.status} ({o.detail})")
        click.echo(f"Replayed {sum(o.status == 'replayed' for o in outcomes)} of {len(outcomes)}.")
    if any(o.status != "replayed" for o in outcomes):
        sys.exit(1)


# --- Meta ---------------------------------------------------------------------------------
@cli.group()
def meta() -> None:
    """Connect a Meta app: its secret in Secrets Manager, the verify token for the dashboard."""


@meta.command("set-app-secret")
def meta_set_app_secret() -> None:
    """Read the app secret from standard input (so it stays out of shell history)."""
    from uppsikt.operations.secrets import set_meta_app_secret

    rt = _runtime()
    value = sys.stdin.readline().strip()
    try:
        set_meta_app_secret(rt.secretsmanager, rt.settings.meta_secret_name, value)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("Meta app secret stored.")


@meta.command("verify-token")
def meta_verify_token_cmd() -> None:
    """Print the verify token to enter in the App Dashboard's webhook settings."""
    from uppsikt.operations.secrets import meta_verify_token

    rt = _runtime()
    click.echo(meta_verify_token(rt.secretsmanager, rt.settings.meta_secret_name))


# --- policies -------------------------------------------------------------------------------
@cli.group()
def policy() -> None:
    """Validate, test and publish the policies in policies/."""


def _load(path: Path) -> list[CompiledPolicy]:
    from uppsikt.policy.errors import PolicyInvalid
    from uppsikt.policy.loader import load_directory, load_file

    try:
        return load_directory(path) if path.is_dir() else [load_file(path)]
    except PolicyInvalid as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.ClickException(f"{len(exc.problems)} problem(s)") from exc


POLICY_PATH = click.argument(
    "path", type=click.Path(exists=True, path_type=Path), default=infra.REPO / "policies"
)


@policy.command("validate")
@POLICY_PATH
def policy_validate(path: Path) -> None:
    for compiled in _load(path):
        click.echo(f"{compiled.id} {compiled.version}: {len(compiled.rules)} rules, valid")


@policy.command("test")
@POLICY_PATH
def policy_test(path: Path) -> None:
    """Run every rule's own examples."""
    from uppsikt.policy.engine import check_examples

    failed = 0
    for compiled in _load(path):
        failures = check_examples(compiled)
        failed += len(failures)
        total = sum(
            len(r.spec.examples.trigger) + len(r.spec.examples.no_trigger) for r in compiled.rules
        )
        click.echo(f"{compiled.id}: {total - len(failures)}/{total} examples pass")
        for failure in failures:
            click.echo(f"  FAIL {failure}")
    if failed:
        raise click.ClickException(f"{failed} example(s) failed")


@policy.command("schema")
@click.option(
    "--write", is_flag=True, help="Write policies/policy.schema.json instead of printing it."
)
def policy_schema(write: bool) -> None:
    """The JSON Schema of a policy file, for editors (yaml-language-server and others)."""
    from uppsikt.operations.policy_schema import SCHEMA_FILE, schema_json

    text = schema_json()
    if write:
        SCHEMA_FILE.write_text(text)
        click.echo(f"wrote {SCHEMA_FILE}")
    else:
        click.echo(text, nl=False)


@cli.group()
def retention() -> None:
    """The retention schedule (policies/retention/schedule.yaml)."""


@retention.command("schedule")
@click.option("--write", is_flag=True, help="Write the functions' JSON copy of the schedule.")
def retention_schedule(write: bool) -> None:
    """Validate the schedule; print it as the functions read it, or write their copy."""
    from uppsikt import infra
    from uppsikt.retention.schedule import SHIPPED, as_json, load

    text = as_json(load(infra.REPO / "policies" / "retention" / "schedule.yaml"))
    if write:
        SHIPPED.write_text(text)
        click.echo(f"wrote {SHIPPED}")
    else:
        click.echo(text, nl=False)


@policy.command("publish")
@POLICY_PATH
@click.option("--shadow", is_flag=True, help="Run beside the live pack; notify nobody.")
def policy_publish(path: Path, shadow: bool) -> None:
    """Publish to the stored-policy bucket (UPPSIKT_POLICY_BUCKET); functions pick it up.
    With --shadow, the pack runs beside the live one of the same id on live traffic, flagging
    and notifying nothing, until `uppsikt policy promote`."""
    from uppsikt.policy.store import publish, publish_shadow

    rt = _runtime()
    for compiled in _load(path):
        if shadow:
            version = publish_shadow(rt.s3, rt.settings.policy_bucket, compiled)
            click.echo(f"published {compiled.id} {version} in shadow")
        else:
            version = publish(rt.s3, rt.settings.policy_bucket, compiled)
            click.echo(f"published {compiled.id} {version}")


@policy.command("shadow")
@click.option("--org", "org_id", required=True, help="The organisation whose traffic to show.")
@click.option("--json", "as_json", is_flag=True)
def policy_shadow(org_id: str, as_json: bool) -> None:
    """What the candidate published in shadow (`policy publish --shadow`) would have flagged
    differently on this organisation's live traffic. Nothing of it was ever notified."""
    from uppsikt.adapters.dynamodb import Items
    from uppsikt.operations.backtest import dumps, shadow_report

    rt = _runtime()
    results = Items(rt.dynamodb, rt.settings.items_table).shadow_results_of_org(org_id)
    report = shadow_report(org_id, results)
    click.echo(dumps(report) if as_json else report.render())


@policy.command("promote")
@click.argument("pack")
def policy_promote(pack: str) -> None:
    """Make the candidate running in shadow beside PACK live, and end the shadow run."""
    from uppsikt.policy.errors import PolicyUnavailable
    from uppsikt.policy.store import promote

    rt = _runtime()
    try:
        version = promote(rt.s3, rt.settings.policy_bucket, pack)
    except PolicyUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"promoted {pack} {version}")


@policy.command("backtest")
@click.argument("candidate", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_id", required=True, help="The organisation whose archive to try.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Only items evaluated (flags raised) on or after this day (UTC).",
)
@click.option("--json", "as_json", is_flag=True)
def policy_backtest(candidate: Path, org_id: str, since: datetime | None, as_json: bool) -> None:
    """Judge what the archive still holds with the live pack and with CANDIDATE, and show what
    would change (flags gained and lost per rule, masked). Nothing is written or notified."""
    from uppsikt.operations.backtest import backtest, dumps, kept_items

    rt = _runtime()
    registry = rt.registry.current()
    org = registry.organisation(org_id)
    if org is None:
        raise click.ClickException(f"no organisation {org_id!r} in the published registry")
    (compiled,) = _load(candidate)
    start = since.replace(tzinfo=UTC) if since else None
    report = backtest(
        kept_items(rt, org.id, start),
        org=org,
        registry=registry,
        live=rt.policies.get(org.policy_pack),
        candidate=compiled,
    )
    click.echo(dumps(report) if as_json else report.render())


# --- accounts ---------------------------------------------------------------------------------
ACCOUNTS_FILE = click.option(
    "--file",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=infra.REPO / "policies" / "registry" / "accounts.yaml",
    show_default=True,
)


@cli.group()
def accounts() -> None:
    """The registry of monitored official accounts (policies/registry/accounts.yaml)."""


def _pack_ids() -> set[str]:
    from uppsikt.policy.loader import read_document

    return {read_document(p).id for p in (infra.REPO / "policies").glob("*.yaml")}


def _checked_registry(path: Path) -> tuple[Registry, list[Problem]]:
    from uppsikt.accounts.registry import check, load
    from uppsikt.policy.errors import PolicyInvalid

    try:
        registry = load(path)
    except PolicyInvalid as exc:
        return Registry(), exc.problems
    return registry, check(registry, str(path), _pack_ids())


@accounts.command("check")
@ACCOUNTS_FILE
def accounts_check(path: Path) -> None:
    registry, problems = _checked_registry(path)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s)")
    click.echo(f"{len(registry.accounts)} accounts, valid")


@accounts.command("list")
@ACCOUNTS_FILE
@click.option("--json", "as_json", is_flag=True)
def accounts_list(path: Path, as_json: bool) -> None:
    """Organisations and their accounts. Admins' ids are personal data: shown as counts."""
    registry, problems = _checked_registry(path)
    if problems:
        raise click.ClickException("; ".join(str(p) for p in problems))
    if as_json:
        rows = [
            {
                **org.model_dump(mode="json", exclude={"designated_admins"}),
                "designated_admins": {
                    p.value: len(ids) for p, ids in org.designated_admins.items()
                },
                "accounts": [a.model_dump(mode="json") for a in registry.accounts_of(org.id)],
            }
            for org in registry.organisations
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for org in registry.organisations:
        admins = sum(len(ids) for ids in org.designated_admins.values())
        click.echo(
            f"{org.id}  {org.org_type} {org.jurisdiction} pack={org.policy_pack} "
            f"languages={','.join(org.languages)} {org.time_zone} {admins} admin(s)  {org.name}"
        )
        for a in registry.accounts_of(org.id):
            click.echo(f"  {a.id:<22} {a.platform.value:<10} {a.platform_account_id:<28} {a.name}")


@accounts.command("add")
@ACCOUNTS_FILE
@click.option("--id", "account_id", required=True)
@click.option("--platform", required=True)
@click.option("--platform-account-id", required=True)
@click.option("--name", required=True)
@click.option("--organisation", required=True, help="The id of an organisation in the registry.")
@click.option("--secret-name", default=None)
def accounts_add(
    path: Path,
    account_id: str,
    platform: str,
    platform_account_id: str,
    name: str,
    organisation: str,
    secret_name: str | None,
) -> None:
    """Add an account to an organisation; refused (and nothing written) if the registry would
    not check."""
    from pydantic import ValidationError

    from uppsikt.accounts.model import Account
    from uppsikt.accounts.registry import add, check, load
    from uppsikt.policy.errors import PolicyInvalid

    try:
        account = Account.model_validate(
            {
                "id": account_id,
                "platform": platform,
                "platform_account_id": platform_account_id,
                "name": name,
                "organisation": organisation,
                "secret_name": secret_name,
            }
        )
    except ValidationError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        registry = load(path) if path.exists() else Registry()
    except PolicyInvalid as exc:
        problem = "the registry has problems already; run `accounts check`"
        raise click.ClickException(problem) from exc
    # Checked whole once the account is in (a new organisation's first account completes it).
    extended = registry.model_copy(update={"accounts": (*registry.accounts, account)})
    new_problems = check(extended, str(path), _pack_ids())
    if new_problems:
        raise click.ClickException("; ".join(str(p) for p in new_problems))
    add(path, account)
    click.echo(f"added {account.id}")


@accounts.command("publish")
@ACCOUNTS_FILE
@click.option("--example", is_flag=True, help="Publish the shipped example registry (trials).")
def accounts_publish(path: Path, example: bool) -> None:
    """Check the registry and publish it for the functions (they pick it up within a minute).

    Every pack an organisation names must be published first (`uppsikt policy publish`): a
    registry pointing at a pack the functions cannot load would stop that organisation's
    evaluation. Admins' platform ids are pseudonymised with the deployment's key on the way.
    """
    from uppsikt.accounts.registry import is_example
    from uppsikt.accounts.store import publish

    registry, problems = _checked_registry(path)
    if not problems and is_example(path) and not example:
        raise click.ClickException(
            f"{path} is the example registry; start your own with `uppsikt accounts init --file "
            "FILE` (or give --example to publish the examples)"
        )
    if problems:
        raise click.ClickException("; ".join(str(p) for p in problems))
    if not registry.accounts:
        # An empty file would silently stop every webhook route and poller.
        raise click.ClickException(f"{path} lists no accounts; nothing published")
    rt = _runtime()
    missing = sorted(
        {o.policy_pack for o in registry.organisations if not rt.policies.published(o.policy_pack)}
    )
    if missing:
        raise click.ClickException(
            f"pack(s) not published in this deployment: {', '.join(missing)}; "
            "run `uppsikt policy publish` first"
        )
    count = publish(rt.s3, rt.settings.policy_bucket, registry, rt.pseudonymiser())
    click.echo(f"published {count} accounts of {len(registry.organisations)} organisations")


@accounts.command("set-secret")
@ACCOUNTS_FILE
@click.argument("account_id")
def accounts_set_secret(path: Path, account_id: str) -> None:
    """Store an account's secret: a JSON object read from stdin (never from arguments, which
    end up in shell history)."""
    from uppsikt.diagnostics import describe
    from uppsikt.operations.secrets import put_account_secret

    registry, problems = _checked_registry(path)
    if problems:
        raise click.ClickException("; ".join(str(p) for p in problems))
    account = next((a for a in registry.accounts if a.id == account_id), None)
    if account is None or not account.secret_name:
        raise click.ClickException("the account is not in the registry or names no secret")
    try:
        values = json.loads(sys.stdin.read())
        if not isinstance(values, dict):
            raise ValueError("expected a JSON object")
        keys = put_account_secret(
            _runtime().secretsmanager, account.secret_name, account.platform.value, values
        )
    except (ValueError, RecursionError) as exc:
        # The message names the problem only: the secret must not reach the terminal.
        raise click.ClickException(describe(exc)) from exc
    click.echo(f"stored {', '.join(keys)} for {account_id}")


# --- explain ----------------------------------------------------------------------------------
@cli.command()
@click.option("--policy", "pack", default="nordic-baseline", show_default=True)
@click.option("--lang", default=None, help="Language of the text: da, sv, nb, nn, en.")
@click.option("--official", is_flag=True, help="Evaluate as a post by the organisation itself.")
@click.option("--org-type", type=click.Choice(["union", "authority"]), default="union")
@click.option("--jurisdiction", type=click.Choice(["dk", "se", "no", "fi"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@click.option("--jsonl", is_flag=True, help='Read {"id", "text"} lines on stdin, write verdicts.')
@click.option(
    "--policies",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=infra.REPO / "policies",
)
@click.argument("text", required=False)
def explain(
    pack: str,
    lang: str | None,
    official: bool,
    org_type: str,
    jurisdiction: str | None,
    as_json: bool,
    jsonl: bool,
    directory: Path,
    text: str | None,
) -> None:
    """Show which rules a text triggers, where, and why."""
    from uppsikt.policy.errors import PolicyInvalid
    from uppsikt.policy.explain import explain_lines, render, verdict_json
    from uppsikt.policy.loader import load_pack
    from uppsikt.rules.registry import RuleContext

    try:
        compiled = load_pack(directory, pack)
    except PolicyInvalid as exc:
        raise click.ClickException(str(exc)) from exc
    context = RuleContext(
        official=official, org_type=org_type, jurisdiction=jurisdiction, lang=lang
    )
    if jsonl:
        for line in explain_lines(compiled, sys.stdin, context):
            click.echo(line)
        return
    if text is None:
        raise click.UsageError("give a TEXT, or --jsonl with lines on standard input")
    verdict = compiled.evaluate_text(text, context)
    click.echo(json.dumps(verdict_json(verdict)) if as_json else render(text, verdict))


# --- deployment ------------------------------------------------------------------------------
@cli.command()
@click.argument("out", type=click.Path(path_type=Path), default=infra.REPO / "build" / "package")
@click.option("--stage", default="dev", help="A stage of chalice.json (dev, prod).")
def package(out: Path, stage: str) -> None:
    """Build the deployable artefact: Chalice's package with infra/ merged in."""
    from uppsikt.operations.package import PackageError, build

    try:
        zip_path, template = build(out, stage)
    except PackageError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{zip_path}\n{template}")


from uppsikt.cli.dsr import register as _register_dsr  # noqa: E402  (its own module)

_register_dsr(cli)
# Retention operations (issue 9): purge, legal holds, archive hand-over.
from uppsikt.cli.purge import COMMANDS as RETENTION_COMMANDS  # noqa: E402

for _command in RETENTION_COMMANDS:
    cli.add_command(_command)
cli.add_command(audit_commands)  # uppsikt/cli/audit.py
cli.add_command(report_commands)  # uppsikt/cli/report.py


def _register_groups() -> None:
    from uppsikt.cli.clocks import breach, clocks

    cli.add_command(clocks)
    cli.add_command(breach)


_register_groups()
cli.add_command(notify_commands)


def main() -> None:
    cli()


def _register() -> None:
    from uppsikt.cli.users import users

    cli.add_command(users)


_register()
_register_deploy(cli)  # uppsikt/cli/deploy.py: deploy, x, linkedin, accounts init|add-organisation
from uppsikt.cli.reconcile import reconcile as _reconcile  # noqa: E402  (uppsikt/cli/reconcile.py)

cli.add_command(_reconcile)
