"""What an officer is told about one flag, before any channel formats it.

Built from the flag record and the verdict's hits: severity, kinds, rule ids, platform, account,
organisation, policy version, a masked excerpt and a link into the console. Never the author
(the flag holds none), never a name: the excerpt hides names and initials
(`masked_excerpt(..., names="hide")`) on top of the usual masking of hits, digits, e-mail
addresses, handles and links.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from uppsikt.model.records import Flag
from uppsikt.model.verdict import Hit, Severity
from uppsikt.notify.labels import Labels, OfficerLang, labels_for, officer_lang
from uppsikt.privacy.masking import masked_excerpt

EXCERPT_WIDTH = 240  # characters of the comment around the first hit, before masking grows it


class Notice(BaseModel):
    """One flag as any channel shows it. Every field is safe to send: ids of the organisation's
    own accounts and policies, codes, and a masked excerpt."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    flag_id: str
    org_id: str
    organisation: str  # the organisation's display name, or its id
    severity: Severity
    kinds: tuple[str, ...]
    rule_ids: tuple[str, ...]
    platform: str
    account_id: str  # the organisation's own account (registry id), not a person's
    object_kind: str
    policy_id: str
    policy_version: str
    excerpt: str  # masked, names hidden; "" when the item had no text
    link: str
    lang: OfficerLang
    created_at: datetime
    retention_class: str  # the flag's, so a stored copy of the notice expires with it

    @property
    def labels(self) -> Labels:
        return labels_for(self.lang)

    @property
    def severity_label(self) -> str:
        return str(getattr(self.labels, self.severity.value))

    @property
    def title(self) -> str:
        """ "Lovkrav flag: national_id on facebook", in the officer's language."""
        kinds = ", ".join(self.kinds)
        return f"{self.severity_label} {self.labels.flag}: {kinds} · {self.platform}"

    def facts(self) -> list[tuple[str, str]]:
        """(label, value) pairs, in the order every channel shows them."""
        labels = self.labels
        return [
            (labels.severity, self.severity_label),
            (labels.kinds, ", ".join(self.kinds)),
            (labels.rules, ", ".join(self.rule_ids)),
            (labels.platform, self.platform),
            (labels.account, self.account_id),
            (labels.organisation, self.organisation),
            (labels.policy_version, f"{self.policy_id} {self.policy_version}"),
        ]


def console_link(console_base_url: str, flag_id: str) -> str:
    """`{console_base_url}/flags/{flag_id}`, the id quoted so it can never leave the path."""
    scheme = urllib.parse.urlsplit(console_base_url).scheme
    if scheme not in ("https", "http"):
        raise ValueError("console_base_url: not an http(s) URL")
    return f"{console_base_url.rstrip('/')}/flags/{urllib.parse.quote(flag_id, safe='')}"


def notice_for(
    flag: Flag,
    hits: Iterable[Hit],
    text: str | None,
    *,
    lang: str | None,
    console_base_url: str,
    organisation: str | None = None,
) -> Notice:
    """The notice for `flag`, in the officer's language (`lang`; English when we do not write
    it). `text` is the flagged item's text, which only reaches the notice masked."""
    hits = list(hits)
    excerpt = masked_excerpt(text, hits, width=EXCERPT_WIDTH, names="hide") if text else ""
    return Notice(
        flag_id=flag.flag_id,
        org_id=flag.org_id,
        organisation=organisation or flag.org_id,
        severity=flag.severity,
        kinds=flag.kinds,
        rule_ids=flag.rule_ids,
        platform=flag.platform.value,
        account_id=flag.account_id,
        object_kind=flag.object_kind.value,
        policy_id=flag.policy_id,
        policy_version=flag.policy_version,
        excerpt=excerpt,
        link=console_link(console_base_url, flag.flag_id),
        lang=officer_lang(lang),
        created_at=flag.created_at,
        retention_class=flag.retention_class,
    )
