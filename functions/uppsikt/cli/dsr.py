"""`uppsikt dsr` (data-subject requests) and `uppsikt pseudonym` (key rotation).

Exit codes: 0 done; 2 bad input (unknown organisation or request, a request of another kind, an
empty id); 3 erased, but something was kept (each with its reason); 4 nothing is stored about the
person (the request is still recorded and answered: that is the answer).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from uppsikt.model.events import Platform

if TYPE_CHECKING:
    from uppsikt.dsr.service import Answer, Desk
    from uppsikt.runtime import Runtime

BAD_INPUT, KEPT, NOTHING = 2, 3, 4
T = TypeVar("T")
DEFAULT_OUT = Path(".uppsikt") / "dsr"


def _runtime() -> Runtime:
    from uppsikt.runtime import Runtime
    from uppsikt.settings import ConfigurationError, load_settings

    try:
        return Runtime(load_settings())
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc


def _desk() -> Desk:
    return _guarded(lambda: _runtime().dsr_desk())


def _guarded(call: Callable[[], T]) -> T:
    from uppsikt.errors import UppsiktError

    try:
        return call()
    except UppsiktError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(BAD_INPUT if 400 <= exc.status < 500 else 1)


def _person(f: Callable[..., None]) -> Callable[..., None]:
    f = click.option("--request", "request_id", help="Answer this request (received earlier).")(f)
    f = click.option("--author-id", required=True, help="The person's platform user id.")(f)
    f = click.option("--platform", required=True, type=click.Choice([p.value for p in Platform]))(f)
    return click.option("--org", "org_id", required=True, help="The organisation (registry id).")(f)


@click.group()
def dsr() -> None:
    """Data-subject requests: access, erasure, restriction (settings from UPPSIKT_* variables)."""


@dsr.command()
@click.option("--kind", type=click.Choice(["access", "erasure", "restriction"]), required=True)
@click.option("--org", "org_id", required=True)
@click.option("--platform", required=True, type=click.Choice([p.value for p in Platform]))
@click.option("--author-id", required=True)
@click.option("--received", type=click.DateTime(), help="When it arrived (default: now, UTC).")
def receive(
    kind: str, org_id: str, platform: str, author_id: str, received: datetime | None
) -> None:
    """Record a request as it arrives; its due date is one month later."""
    from datetime import UTC

    from uppsikt.dsr.model import Kind

    desk = _desk()
    at = received.replace(tzinfo=UTC) if received and received.tzinfo is None else received
    request = _guarded(lambda: desk.receive(Kind(kind), org_id, Platform(platform), author_id, at))
    click.echo(f"{request.request_id}  {kind}  due {request.due_at.date().isoformat()}")


@dsr.command()
@_person
@click.option("--out", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True)
def access(org_id: str, platform: str, author_id: str, request_id: str | None, out: Path) -> None:
    """Art. 15: everything about the person: JSON, and a summary in the organisation's language."""
    from uppsikt.dsr.bundle import language_for, write

    desk = _desk()
    answer = _guarded(lambda: desk.access(org_id, Platform(platform), author_id, request_id))
    assert answer.bundle is not None
    lang = language_for(answer.bundle["organisation"]["languages"])
    data, text = write(answer.bundle, lang, out)
    click.echo(f"{answer.request.request_id}: bundle {data}, summary {text}")
    _exit(answer)


@dsr.command()
@_person
def erase(org_id: str, platform: str, author_id: str, request_id: str | None) -> None:
    """Art. 17: delete or mask everything about the person that no hold or archive duty keeps."""
    desk = _desk()
    answer = _guarded(lambda: desk.erase(org_id, Platform(platform), author_id, request_id))
    counts = ", ".join(f"{k} {v}" for k, v in answer.request.counts.items()) or "nothing"
    click.echo(f"{answer.request.request_id}: {counts}")
    for kept in answer.request.kept:
        click.echo(f"    kept {kept.store} {kept.key}: {kept.reason}")
    if answer.request.kept:
        sys.exit(KEPT)
    _exit(answer)


@dsr.command()
@_person
@click.option("--lift", is_flag=True, help="Lift the restriction instead.")
def restrict(
    org_id: str, platform: str, author_id: str, request_id: str | None, lift: bool
) -> None:
    """Art. 18: keep the person's content stored, but never judge, flag or notify it."""
    desk = _desk()
    answer = _guarded(
        lambda: desk.restrict(org_id, Platform(platform), author_id, request_id, lift=lift)
    )
    state = "lifted" if lift else "restricted"
    click.echo(f"{answer.request.request_id}: {state} ({len(answer.request.author_keys)} key(s))")


@dsr.command()
@click.option("--org", "org_id", required=True)
@click.option("--request", "request_id", required=True)
@click.option("--notice", required=True, help="The notice sent to the person, with its reasons.")
def extend(org_id: str, request_id: str, notice: str) -> None:
    """Art. 12(3): two more months, once, with the notice to the person recorded."""
    desk = _desk()
    request = _guarded(lambda: desk.extend(org_id, request_id, notice))
    click.echo(f"{request.request_id}: now due {request.due_at.date().isoformat()}")


@dsr.command("list")
@click.option("--org", "org_id", required=True)
@click.option("--json", "as_json", is_flag=True)
def list_requests(org_id: str, as_json: bool) -> None:
    """The organisation's open requests, soonest due first."""
    desk = _desk()
    due = _guarded(lambda: desk.due(org_id))
    if as_json:
        click.echo(json.dumps([r.model_dump(mode="json", exclude={"author_keys"}) for r in due]))
        return
    if not due:
        click.echo("No open requests.")
    now = desk.clock()
    for r in due:
        left = (r.due_at - now).days
        when = f"overdue by {-left} day(s)" if left < 0 else f"due in {left} day(s)"
        extended = " (extended)" if r.extended else ""
        click.echo(
            f"{r.request_id}  {r.kind.value}  received {r.received_at.date().isoformat()}  "
            f"due {r.due_at.date().isoformat()}{extended}  {when}"
        )


@dsr.command()
def remind() -> None:
    """Publish `dsr.due` for requests due within a week (what the scheduled `dsr_due` does)."""
    rt = _runtime()
    desk = _guarded(rt.dsr_desk)
    for request in desk.remind(rt.alerts):
        click.echo(f"{request.org_id} {request.request_id} due {request.due_at.date().isoformat()}")


def _exit(answer: Answer) -> None:
    if answer.findings.empty:
        click.echo("Nothing is stored about this person (the request is recorded and answered).")
        sys.exit(NOTHING)


@click.group()
def pseudonym() -> None:
    """The pseudonym key (settings from UPPSIKT_* variables)."""


@pseudonym.command()
def rotate() -> None:
    """A new current key version; older versions stay live so requests still find old data."""
    from uppsikt.dsr.keys import rotate as rotate_key

    rt = _runtime()
    version = rotate_key(rt.secretsmanager, rt.settings.pseudonym_secret_name)
    click.echo(
        f"The pseudonym key is now version {version}. Publish the registry again "
        "(`uppsikt accounts publish`) so that the accounts' own pseudonyms use it."
    )


def register(cli: click.Group) -> None:
    cli.add_command(dsr)
    cli.add_command(pseudonym)
