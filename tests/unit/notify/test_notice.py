"""A notice says what and where, in the officer's language, and never who."""

from __future__ import annotations

import pytest

from support.notices import CONSOLE, CPR, a_flag, a_notice
from uppsikt.model.verdict import Severity
from uppsikt.notify.labels import LABELS, OFFICER_LANGS, Labels
from uppsikt.notify.message import console_link, notice_for


def test_a_notice_carries_the_flag_and_a_link_into_the_console() -> None:
    notice = a_notice(flag_id="F-0000000000000000abcd")
    assert notice.link == f"{CONSOLE}/flags/F-0000000000000000abcd"
    assert (notice.severity, notice.kinds, notice.rule_ids) == (
        Severity.LEGAL,
        ("national_id",),
        ("baseline.national-id",),
    )
    assert (notice.platform, notice.account_id, notice.org_id) == (
        "facebook",
        "seko-facebook",
        "seko",
    )
    assert notice.policy_version == "2026-11-30.1"
    assert notice.retention_class == "flag"


def test_the_excerpt_is_masked_and_names_no_one() -> None:
    notice = a_notice(f"Signe K. här, mitt personnummer är {CPR}, ring mig")
    assert notice.excerpt == "[name] här, mitt personnummer är ******-****, ring mig"


def test_an_item_without_text_has_no_excerpt() -> None:
    notice = notice_for(a_flag(), [], None, lang="da", console_base_url=CONSOLE)
    assert notice.excerpt == ""


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("da", "Lovkrav flag: national_id · facebook"),
        ("sv", "Lagkrav flagga: national_id · facebook"),
        ("nb", "Lovkrav flagg: national_id · facebook"),
        ("nn", "Lovkrav flagg: national_id · facebook"),
        ("en", "Legal flag: national_id · facebook"),
        ("fi", "Legal flag: national_id · facebook"),  # a language we do not write: English
        (None, "Legal flag: national_id · facebook"),
    ],
)
def test_the_title_is_in_the_officers_language(lang: str | None, title: str) -> None:
    assert a_notice(lang=lang or "").title == title


def test_every_language_has_every_label_filled() -> None:
    assert set(LABELS) == set(OFFICER_LANGS)
    for labels in LABELS.values():
        assert all(getattr(labels, name).strip() for name in Labels.__dataclass_fields__)


def test_a_flag_id_cannot_leave_the_console_path() -> None:
    assert console_link(CONSOLE + "/", "F-1/../../x?y") == f"{CONSOLE}/flags/F-1%2F..%2F..%2Fx%3Fy"


def test_a_console_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(ValueError, match="console_base_url"):
        console_link("javascript:alert(1)", "F-1")
