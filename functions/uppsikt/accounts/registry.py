"""Load, check and extend the registry, naming the place of every problem (an organisation's
or an account's id, and the field)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from uppsikt.accounts.model import Account, Organisation, Registry
from uppsikt.accounts.secrets import ACCOUNT_SECRET_PREFIX
from uppsikt.diagnostics import unreadable_yaml
from uppsikt.policy.errors import PolicyInvalid, Problem


def _problems(exc: ValidationError, file: str, raw: Any) -> list[Problem]:
    problems = []
    for err in exc.errors(include_input=False):
        loc = list(err["loc"])
        where = None
        if len(loc) >= 2 and loc[0] in ("accounts", "organisations") and isinstance(loc[1], int):
            entries = raw.get(loc[0]) if isinstance(raw, dict) else None
            entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
            where = str(entry.get("id", f"#{loc[1]}")) if isinstance(entry, dict) else f"#{loc[1]}"
            loc = loc[2:]
        problems.append(Problem(file, where, ".".join(str(p) for p in loc), err["msg"]))
    return problems


def load(path: Path) -> Registry:
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Registry.model_validate(raw)
    except OSError as exc:
        raise PolicyInvalid([Problem(str(path), None, "", f"cannot read: {exc.strerror}")]) from exc
    except ValidationError as exc:
        raise PolicyInvalid(_problems(exc, str(path), raw)) from exc
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise PolicyInvalid([Problem(str(path), None, "", unreadable_yaml(exc))]) from exc


def check(registry: Registry, file: str, known_packs: set[str]) -> list[Problem]:
    """What validation alone cannot see: duplicates, accounts without an organisation, unknown
    packs, pack/org-type mismatches, secrets outside the prefix the functions may read."""
    problems: list[Problem] = []
    org_ids = Counter(o.id for o in registry.organisations)
    for org in registry.organisations:
        if org_ids[org.id] > 1:
            problems.append(Problem(file, org.id, "id", "used by more than one organisation"))
        if org.policy_pack not in known_packs:
            problems.append(Problem(file, org.id, "policy_pack", "no such pack in policies/"))
        if org.policy_pack == "authority" and org.org_type != "authority":
            problems.append(
                Problem(file, org.id, "org_type", "the authority pack is for public bodies")
            )
        if not registry.accounts_of(org.id):
            problems.append(Problem(file, org.id, "id", "no account belongs to it"))
    ids = Counter(a.id for a in registry.accounts)
    keys = Counter((a.platform, a.platform_account_id) for a in registry.accounts)
    for account in registry.accounts:
        if ids[account.id] > 1:
            problems.append(Problem(file, account.id, "id", "used by more than one account"))
        if keys[(account.platform, account.platform_account_id)] > 1:
            problems.append(
                Problem(file, account.id, "platform_account_id", "listed twice on this platform")
            )
        if registry.organisation(account.organisation) is None:
            problems.append(
                Problem(file, account.id, "organisation", "no organisation with that id")
            )
        if account.secret_name and not account.secret_name.startswith(ACCOUNT_SECRET_PREFIX):
            problems.append(
                Problem(
                    file,
                    account.id,
                    "secret_name",
                    f"must start with {ACCOUNT_SECRET_PREFIX} (the functions may read only those)",
                )
            )
    return problems


def add(path: Path, account: Account) -> None:
    """Append an account to the registry file, keeping the file's comments and layout."""
    import yaml

    entry = yaml.safe_dump(
        [account.model_dump(mode="json", exclude_none=True)], allow_unicode=True, sort_keys=False
    )
    indented = "".join(f"  {line}\n" for line in entry.splitlines())
    text = path.read_text(encoding="utf-8") if path.exists() else "accounts:\n"
    text = text.replace("\naccounts: []\n", "\naccounts:\n")  # as `init` writes it
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + indented, encoding="utf-8")


# The first line of the shipped registry: its organisations and ids are examples, and publishing
# them into a deployment would monitor someone else's Page. `accounts publish` refuses a file
# with this line unless told `--example` (the demo and trials).
EXAMPLE_MARKER = "# uppsikt: example registry"

EMPTY = """\
# The organisations this deployment serves and the official accounts each one owns.
# Add them with `uppsikt accounts add-organisation` and `uppsikt accounts add`, check with
# `uppsikt accounts check`, publish with `uppsikt accounts publish`.
organisations: []
accounts: []
"""


def is_example(path: Path) -> bool:
    return path.read_text(encoding="utf-8").startswith(EXAMPLE_MARKER)


def init(path: Path) -> None:
    """Start an empty registry; refused over an existing file (it may be someone's only copy)."""
    with path.open("x", encoding="utf-8") as file:
        file.write(EMPTY)


def add_organisation(path: Path, org: Organisation) -> None:
    """Insert an organisation before the accounts (the file's comments and layout kept)."""
    import yaml

    entry = yaml.safe_dump(
        [org.model_dump(mode="json", exclude_defaults=True)], allow_unicode=True, sort_keys=False
    )
    indented = "".join(f"  {line}\n" for line in entry.splitlines())
    text = path.read_text(encoding="utf-8")
    text = text.replace("\norganisations: []\n", "\norganisations:\n")
    head, marker, tail = text.partition("\naccounts:")
    updated = f"{head}\n{indented}{marker[1:]}{tail}"
    try:
        raw = yaml.safe_load(updated) if marker else None
    except yaml.YAMLError:
        raw = None
    listed = raw.get("organisations") if isinstance(raw, dict) else None
    if not isinstance(listed, list) or not any(o.get("id") == org.id for o in listed):
        # e.g. another top-level key between the two lists: refuse rather than misplace it.
        raise ValueError(f"{path}: no `organisations:` list directly before `accounts:`")
    path.write_text(updated, encoding="utf-8")
