"""Mastodon's HTML `content` as plain text: tags stripped with `html.parser`, entities unescaped,
line structure kept, nothing a reader would not see (scripts, styles) let through."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.html_text import html_to_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # What Mastodon itself produces.
        ("<p>Hello world</p>", "Hello world"),
        ("<p>one<br>two<br />three</p>", "one\ntwo\nthree"),
        ("<p>first</p><p>second</p>", "first\n\nsecond"),
        ("<p>line<br/>break</p><p>next paragraph</p>", "line\nbreak\n\nnext paragraph"),
        (
            '<p><span class="h-card"><a href="https://example.social/@org" class="u-url mention">'
            "@<span>org</span></a></span> thanks!</p>",
            "@org thanks!",
        ),
        (
            '<p><a href="https://example.org/a/long/path"><span class="invisible">https://'
            '</span><span class="ellipsis">example.org/a/lo</span><span class="invisible">'
            "ng/path</span></a></p>",
            "https://example.org/a/long/path",
        ),
        # Entities and character references.
        (
            "<p>&quot;quoted&quot; &amp; &lt;b&gt;not bold&lt;/b&gt;</p>",
            '"quoted" & <b>not bold</b>',
        ),
        ("<p>it&#39;s &#x27;fine&#x27; &#8212; &hellip;</p>", "it's 'fine' — …"),
        ("<p>Smörgås &auml;r &Aring;&aring;</p>", "Smörgås är Åå"),
        ("<p>&#128512; and &#x1F600;</p>", "😀 and 😀"),
        ("<p>caf&eacute &amp</p>", "café &"),  # unterminated entities, as browsers read them
        ("<p>a&nbsp;b</p>", "a\xa0b"),
        # Scripts, styles and other content no reader sees.
        ("<p>before<script>alert('x')</script>after</p>", "beforeafter"),
        (
            "<p>a</p><script type='text/javascript'>var s = '<p>hidden</p>';</script><p>b</p>",
            "a\n\nb",
        ),
        ("<style>p { color: red }</style><p>visible</p>", "visible"),
        ("<p>x<SCRIPT>evil()</SCRIPT>y</p>", "xy"),
        ("<p>ok</p><script>never closed <p>gone</p>", "ok"),
        ("<template><p>t</p></template><noscript>n</noscript><p>shown</p>", "shown"),
        ("<p>a<script>1</script>b<script>2</script>c</p>", "abc"),
        # Nested and malformed markup.
        ("<p>one <b>two <i>three <u>four</u></i></b> five</p>", "one two three four five"),
        ("<div><div><p>deep</p></div></div>", "deep"),
        ("<p>unclosed <b>bold <i>and italic</p><p>next", "unclosed bold and italic\n\nnext"),
        ("<p>stray</b></i> end tags</p>", "stray end tags"),
        ("<blockquote><p>quoted</p></blockquote><p>reply</p>", "quoted\n\nreply"),
        ("<ul><li>one</li><li>two</li></ul><p>after</p>", "one\ntwo\n\nafter"),
        ("<p>a <!-- a comment --> b</p>", "a b"),
        ("<p>1 < 2 and 3 > 2</p>", "1 < 2 and 3 > 2"),
        ("<p>a <b> b </b> c</p>", "a b c"),
        ("<p>x</p><p><br>y</p>", "x\n\n\ny"),  # an explicit break is never swallowed
        ("<br><br>x", "x"),
        # Whitespace as a browser shows it; kept inside <pre>.
        ("<p>  spaced \n\t out  </p>", "spaced out"),
        ("<p>a</p>\n\n<p>b</p>\n", "a\n\nb"),
        ("<pre>keep\n  this</pre>", "keep\n  this"),
        ("<p>end with break<br></p>", "end with break"),
        ("", ""),
        ("plain text, no tags", "plain text, no tags"),
    ],
)
def test_html_becomes_the_text_a_reader_sees(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_the_documented_status_content_keeps_its_paragraphs_and_full_link() -> None:
    html = (
        "<p>&quot;I lost my inheritance with one wrong digit on my sort code&quot;</p>"
        '<p><a href="https://www.theguardian.com/money/2019/dec/07/i-lost" rel="nofollow">'
        '<span class="invisible">https://www.</span><span class="ellipsis">theguardian.com/'
        'money/2019/dec</span><span class="invisible">/07/i-lost</span></a></p>'
    )
    assert html_to_text(html) == (
        '"I lost my inheritance with one wrong digit on my sort code"\n\n'
        "https://www.theguardian.com/money/2019/dec/07/i-lost"
    )


def test_attribute_values_never_become_text() -> None:
    html = '<p><a href="javascript:alert(1)" title="secret title">link</a><img alt="alt"></p>'
    assert html_to_text(html) == "link"


def test_markup_the_standard_parser_refuses_is_unmappable_not_a_crash() -> None:
    with pytest.raises(Unmappable):
        html_to_text("<p>a</p><![bogus[ x ]]>")


@given(st.text())
def test_any_text_converts_or_is_unmappable(html: str) -> None:
    try:
        result = html_to_text(html)
    except Unmappable:
        return
    assert result == result.strip()


@given(st.text(alphabet=st.characters(blacklist_characters="<&")))
def test_text_without_markup_is_kept_with_its_whitespace_collapsed(text: str) -> None:
    assert html_to_text(text) == re.sub(r"[ \t\n\r\f]+", " ", text).strip()


@given(st.lists(st.sampled_from(["<p>", "</p>", "<br>", "<b>", "</b>", "x", " ", "\n", "&amp;"])))
def test_markup_soup_never_leaves_a_tag_of_its_own(parts: list[str]) -> None:
    result = html_to_text("".join(parts))
    assert "<" not in result
    assert ">" not in result
    assert "  " not in result  # whitespace collapses across tags as in a browser


HOSTILE = [*"<>/!&#;[]-?=\"' ab\n", "<p>", "</p>", "<br>", "<script>", "</script>", "<![", "CDATA["]
HOSTILE += ["<!--", "-->", "&amp", "&#x", "<pre>", "</pre>", "<style>", "<?", "<!DOCTYPE", "]]>"]


@given(st.lists(st.sampled_from(HOSTILE), max_size=30).map("".join))
def test_parser_hostile_markup_converts_or_is_unmappable(html: str) -> None:
    try:
        result = html_to_text(html)
    except Unmappable:
        return
    assert isinstance(result, str)
