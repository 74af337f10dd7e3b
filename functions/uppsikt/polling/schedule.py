"""The scheduled jobs over the registry: poll every account's streams, and renew WebSub leases.

One account's failure, of any kind, never stops the others: each stream's outcome is reported on
its own (`PollOutcome.status`). The runner turns the failures it expects (`PollError`) into an
outcome and has already alerted where an operator must act. Anything else (the queue refusing a
page, an AWS error, a bug in a mapper) is caught here per stream, recorded as `failed` with a
description that names no payload value, logged, and alerted once per run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from urllib.parse import urlencode

from uppsikt.accounts.model import Account
from uppsikt.diagnostics import describe
from uppsikt.model.events import Platform
from uppsikt.platforms.youtube import websub
from uppsikt.polling.errors import PollError
from uppsikt.polling.http import checked
from uppsikt.polling.ports import Http, HttpRequest, Lease, LookupSource, PollAccount, Source
from uppsikt.polling.runner import Poller, PollOutcome
from uppsikt.privacy.pseudonym import Pseudonymiser

# A plain logger, as app.py uses: a Powertools Logger made at import would put a handler on the
# `uppsikt` logger for every module, and the command line's JSON output would carry log lines.
logger = logging.getLogger("uppsikt.polling")


def poll_account(account: Account, credentials: Mapping[str, str]) -> PollAccount:
    return PollAccount(
        account_key=account.id,
        platform=account.platform,
        platform_account_id=account.platform_account_id,
        api_base=account.api_base,
        credentials=dict(credentials),
        org_id=account.organisation,
    )


def poll_all(
    poller: Poller,
    accounts: Iterable[Account],
    *,
    sources: Callable[[Platform], tuple[Source, ...]],
    lookups: Callable[[Platform], tuple[LookupSource, ...]],
    credentials: Callable[[Account], Mapping[str, str]],
    pseudonymiser: Pseudonymiser,
    deadline: Callable[[], float] | None = None,
) -> list[PollOutcome]:
    outcomes: list[PollOutcome] = []
    unexpected: list[PollOutcome] = []
    for account in accounts:
        streams, lookup_streams = sources(account.platform), lookups(account.platform)
        if not streams and not lookup_streams:
            continue
        try:
            target = poll_account(account, credentials(account))
        except Exception as exc:  # one account's missing secret must not stop the others
            detail = f"cannot read the account's secret: {describe(exc)}"
            _alert(
                poller,
                f"Uppsikt: account {account.id} cannot be polled",
                {"account": account.id, "error": detail},
            )
            names = [s.stream for s in streams] + [s.stream for s in lookup_streams]
            outcomes += [PollOutcome(account.id, name, "failed", detail=detail) for name in names]
            continue
        runs: list[tuple[str, Callable[[], PollOutcome]]] = [
            (s.stream, partial(poller.poll, s, target, pseudonymiser, deadline=deadline))
            for s in streams
        ]
        runs += [
            (s.stream, partial(poller.poll_lookups, s, target, pseudonymiser, deadline=deadline))
            for s in lookup_streams
        ]
        for stream, run in runs:
            try:
                outcomes.append(run())
            except Exception as exc:  # not a PollError: the runner did not expect it
                failed = PollOutcome(account.id, stream, "failed", detail=describe(exc))
                logger.error(
                    "poll stream failed unexpectedly: %s %s: %s",
                    account.id,
                    stream,
                    failed.detail,
                    extra={"account": account.id, "stream": stream, "error": failed.detail},
                )
                outcomes.append(failed)
                unexpected.append(failed)
    if unexpected:
        _alert(
            poller,
            f"Uppsikt: {len(unexpected)} poll stream(s) failed unexpectedly",
            {
                "streams": "; ".join(f"{o.account_key} {o.stream}" for o in unexpected),
                "errors": "; ".join(sorted({o.detail for o in unexpected})),
            },
        )
    return outcomes


def _alert(poller: Poller, subject: str, details: dict[str, str]) -> None:
    # The alerts topic failing too must not stop the accounts still to be polled.
    try:
        poller.alerts.alert(subject, details)
    except Exception as exc:
        detail = describe(exc)
        logger.error("alert could not be sent: %s: %s", subject, detail, extra={"error": detail})


@dataclass(frozen=True)
class Renewal:
    account_key: str
    status: str  # "renewed" | "not_due" | "no_callback" | "failed"
    detail: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"account": self.account_key, "status": self.status, "detail": self.detail}


def renew_leases(
    http: Http,
    accounts: Iterable[Account],
    *,
    leases: Callable[[str], Lease | None],
    secret: Callable[[Account], str],
    public_base_url: str | None,
    hub_url: str,
    now: datetime,
) -> list[Renewal]:
    """Ask the hub to (re)subscribe every YouTube account whose lease is missing or due.

    The hub answers 202 and then verifies intent with a GET to our callback, which records
    the new lease (see the YouTube route); until then the old lease stands."""
    results: list[Renewal] = []
    for account in accounts:
        if account.platform is not Platform.YOUTUBE:
            continue
        try:
            lease = leases(account.id)
        except Exception as exc:  # the lease store failing for one channel must not stop the rest
            results.append(_renewal_failed(account, exc))
            continue
        if lease is not None and not websub.lease_renewal_due(
            lease.verified_at, lease.lease_seconds, now
        ):
            results.append(Renewal(account.id, "not_due"))
            continue
        if not public_base_url:
            results.append(Renewal(account.id, "no_callback", "UPPSIKT_PUBLIC_BASE_URL is empty"))
            continue
        try:
            form = {
                "hub.mode": "subscribe",
                "hub.topic": websub.topic_for(account.platform_account_id),
                "hub.callback": f"{public_base_url.rstrip('/')}/webhooks/youtube/{account.id}",
                "hub.secret": secret(account),
                "hub.verify": "async",
            }
            request = HttpRequest(
                "POST",
                hub_url,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                body=urlencode(form).encode(),
            )
            checked(http.send(request, timeout=10.0), "WebSub subscribe")
        except Exception as exc:  # one channel's failure must not cost the others their leases
            results.append(_renewal_failed(account, exc))
            continue
        results.append(Renewal(account.id, "renewed"))
    return results


def _renewal_failed(account: Account, exc: Exception) -> Renewal:
    detail = str(exc) if isinstance(exc, PollError) else describe(exc)
    logger.error(
        "WebSub lease renewal failed: %s: %s",
        account.id,
        detail,
        extra={"account": account.id, "error": detail},
    )
    return Renewal(account.id, "failed", detail)
