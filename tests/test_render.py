from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

from digest.compose import Section
from digest.model import Conflict, SourceReport, SummarySentence
from digest.render import (
    isolate_text,
    make_environment,
    markdown_escape,
    render_briefing,
    safe_url,
    story_views,
)
from tests.builders import make_article, make_briefing, make_story


def two_source_story():  # type: ignore[no-untyped-def]
    first = make_article(
        "a",
        title="First headline",
        url="https://one.example/a",
        outlet="One",
        published=dt.date(2022, 2, 1),
    )
    second = make_article("b", title="Second headline", outlet="Two")
    return make_story(
        first,
        second,
        headline="The story",
        summary=(("Sentence from the second.", "b"), ("Sentence from the first.", "a")),
    )


def test_each_summary_sentence_is_numbered_with_its_article() -> None:
    (view,) = story_views([two_source_story()])
    assert [(s.text, s.source) for s in view.sentences] == [
        ("Sentence from the second.", 2),
        ("Sentence from the first.", 1),
    ]


def test_markdown_lists_story_summary_markers_and_sources() -> None:
    markdown = render_briefing(make_briefing(two_source_story())).markdown
    assert "# News digest: 1 February 2022" in markdown
    assert "## 1. The story" in markdown
    assert "Sentence from the second. [2]" in markdown
    assert "1. [First headline](https://one.example/a) · One · 1 February 2022" in markdown
    assert "2. Second headline · Two" in markdown


def test_html_links_each_marker_to_its_source_entry() -> None:
    html = render_briefing(make_briefing(two_source_story())).html
    assert 'href="#story-1-source-2"' in html
    assert 'id="story-1-source-2"' in html
    assert '<a href="https://one.example/a"><bdi>First headline</bdi></a>' in html
    assert '<meta name="viewport"' in html


def test_source_text_is_escaped_in_html_and_markdown() -> None:
    evil = make_article("x", title="<script>alert(1)</script>", url="javascript:alert(1)")
    briefing = make_briefing(make_story(evil, headline="<b>bold</b> [link](http://x)"))
    rendered = render_briefing(briefing)
    assert "<script>alert(1)</script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "javascript:" not in rendered.html
    assert "javascript:" not in rendered.markdown
    assert "\\<script\\>" in rendered.markdown
    assert "\\[link\\](http://x)" in rendered.markdown


def test_only_http_links_are_links() -> None:
    assert safe_url("https://a.example/x") == "https://a.example/x"
    assert safe_url("HTTP://a.example") == "HTTP://a.example"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,hi") is None
    assert safe_url(None) is None


def test_failed_sources_are_listed_at_the_end() -> None:
    failed = SourceReport("seeds/bad.txt", ok=False, message="seeds/bad.txt: binary file, skipped")
    rendered = render_briefing(make_briefing(two_source_story(), sources=(failed,)))
    assert "seeds/bad.txt: binary file, skipped" in rendered.html
    assert rendered.markdown.rstrip().endswith("- seeds/bad.txt: binary file, skipped")


def test_a_user_template_overrides_one_builtin(tmp_path: Path) -> None:
    (tmp_path / "briefing.md.j2").write_text("custom {{ stories | length }}\n", encoding="utf-8")
    rendered = render_briefing(
        make_briefing(two_source_story()), environment=make_environment(tmp_path)
    )
    assert rendered.markdown == "custom 1\n"
    assert rendered.html.startswith("<!DOCTYPE html>")


def conflicted_story():  # type: ignore[no-untyped-def]
    claim = make_article(
        "claim", title="US side", url="https://us.example/a", outlet="<i>Claimer</i>"
    )
    counter = make_article("counter", title="Russian side", outlet="Denier")
    return replace(
        make_story(claim, counter, headline="<script>alert(1)</script>"),
        conflicts=(
            Conflict(
                SummarySentence("We received <b>it</b>.", "claim"),
                SummarySentence("That is not true.", "counter"),
                "One article reports it; another reports it denied.",
            ),
        ),
    )


def test_conflict_shows_both_sentences_with_their_sources() -> None:
    rendered = render_briefing(make_briefing(conflicted_story()))
    html = rendered.html
    assert 'class="conflict"' in html
    assert "We received &lt;b&gt;it&lt;/b&gt;." in html
    assert '<a href="https://us.example/a"' in html  # the claim's marker: its article's URL
    assert 'href="#story-1-source-2"' in html  # the counter's marker: its entry in the list
    assert "&lt;i&gt;Claimer&lt;/i&gt;" in html
    assert "<i>Claimer</i>" not in html
    markdown = rendered.markdown
    assert "> We received \\<b\\>it\\</b\\>. [[1]](https://us.example/a)" in markdown
    assert "> That is not true. [2] — Denier" in markdown
    assert "[[1]](https://us.example/a) — \\<i\\>Claimer\\</i\\>" in markdown


def test_a_disputed_summary_sentence_points_to_the_conflict_instead_of_repeating_it() -> None:
    story = conflicted_story()
    summary = (
        SummarySentence("Talks went on all day.", "counter"),
        SummarySentence("We received <b>it</b>.", "claim", disputed=True),
    )
    rendered = render_briefing(make_briefing(replace(story, summary=summary)))
    pointer = "(disputed: see the conflicting claims below)"
    markdown, html = rendered.markdown, rendered.html
    assert f"*{pointer}* [[1]](https://us.example/a)" in markdown
    assert markdown.count("We received \\<b\\>it\\</b\\>.") == 1  # in the conflict box only
    assert f'<p><em class="disputed">{pointer}</em><sup class="marker">' in html
    assert html.count("We received &lt;b&gt;it&lt;/b&gt;.") == 1
    assert "Talks went on all day." in markdown
    assert "Talks went on all day." in html


def test_table_of_contents_links_every_story_and_escapes_headlines() -> None:
    second = make_story(headline="Second story", story_id="s2")
    html = render_briefing(make_briefing(conflicted_story(), second)).html
    toc = html[html.index('<nav class="toc"') : html.index("</nav>")]
    assert '<a href="#story-1"><bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi></a>' in toc
    assert '<a href="#story-2"><bdi>Second story</bdi></a>' in toc
    assert "<script>" not in html


def test_markers_link_to_the_article_url_when_it_is_http() -> None:
    html = render_briefing(make_briefing(two_source_story())).html
    assert '<a href="https://one.example/a" title="Source 1: One">1</a>' in html
    markdown = render_briefing(make_briefing(two_source_story())).markdown
    assert "Sentence from the first. [[1]](https://one.example/a)" in markdown


def test_a_javascript_url_never_becomes_a_marker_link() -> None:
    evil = make_article("x", url="javascript:alert(1)")
    story = make_story(evil, summary=(("A sentence.", "x"),))
    rendered = render_briefing(make_briefing(story))
    assert 'href="#story-1-source-1"' in rendered.html
    assert "javascript:" not in rendered.html + rendered.markdown


def test_developing_story_links_the_previous_briefing() -> None:
    story = replace(two_source_story(), developing=True, previous_briefing="2022-01-31")
    rendered = render_briefing(make_briefing(story))
    assert 'class="developing"' in rendered.html
    assert '<a href="2022-01-31.html">31 January 2022 briefing</a>' in rendered.html
    assert "## 1. The story (developing)" in rendered.markdown
    assert "[31 January 2022 briefing](2022-01-31.html)" in rendered.markdown


def test_a_previous_briefing_that_is_not_a_date_is_not_linked() -> None:
    story = replace(two_source_story(), developing=True, previous_briefing="javascript:x")
    html = render_briefing(make_briefing(story)).html
    assert "javascript:" not in html
    assert "Previously in the" not in html


def test_sections_head_their_stories_and_number_on() -> None:
    first, second = make_story(headline="First", story_id="a"), make_story(headline="Second")
    sections = [Section("Europe <EU>", (first,)), Section("Other news", (second,))]
    rendered = render_briefing(make_briefing(first, second), sections=sections)
    assert '<h2 class="section">Europe &lt;EU&gt;</h2>' in rendered.html
    assert '<h3 class="headline"><bdi>Second</bdi></h3>' in rendered.html
    assert "## Europe \\<EU\\>" in rendered.markdown
    assert "### 2. Second" in rendered.markdown


def test_header_counts_stories_articles_and_outlets() -> None:
    markdown = render_briefing(make_briefing(two_source_story())).markdown
    assert "1 story · 2 articles · 2 outlets" in markdown
    assert "*1 February 2022*" in markdown  # the time span


def test_markdown_escapes_underscores_only_where_they_could_mean_emphasis() -> None:
    assert markdown_escape("seeds/zz_image.txt") == "seeds/zz_image.txt"
    assert markdown_escape("_emphasis_ and __strong__") == "\\_emphasis\\_ and \\_\\_strong\\_\\_"


def test_source_text_cannot_break_out_of_an_attribute() -> None:
    sneaky = make_article("x", outlet='" onmouseover="alert(1)', url="https://x.example/")
    story = make_story(sneaky, summary=(("A sentence.", "x"),))
    html = render_briefing(make_briefing(story)).html
    assert 'title="Source 1: &#34; onmouseover=&#34;alert(1)"' in html
    assert 'onmouseover="alert' not in html


def featured_and_briefs():  # type: ignore[no-untyped-def]
    """A featured story, then two one-liners: one with links, one from saved pages."""
    linked = make_story(
        make_article("l1", url="https://one.example/1", outlet="One"),
        make_article("l2", outlet="Two"),
        make_article("l3", url="javascript:alert(1)"),
        make_article("l4", url="https://four.example/(4)"),
        headline="Linked <brief>",
        story_id="linked",
    )
    saved = make_story(make_article("p1"), headline="Saved pages", story_id="saved")
    top = two_source_story()
    stories = (
        replace(top, rank=1),
        replace(linked, rank=2, featured=False),
        replace(saved, rank=3, featured=False, developing=True),
    )
    return make_briefing(*stories)


def test_one_line_entries_carry_their_sources_count_and_links() -> None:
    rendered = render_briefing(featured_and_briefs())
    markdown = rendered.markdown
    assert "## More stories" in markdown
    assert (
        "2. Linked \\<brief\\> — 4 sources: [1](https://one.example/1) "
        "[4](https://four.example/%284%29)\n" in markdown
    )
    assert "3. Saved pages (developing) — 1 source\n" in markdown
    assert "## 2." not in markdown  # no full entry for a one-liner
    assert "the 1 most important in full, 2 more in brief" in markdown
    html = rendered.html
    brief = html[html.index('<li id="story-2">') : html.index("</li>", html.index('id="story-2"'))]
    assert "Linked &lt;brief&gt;" in brief
    assert "· 4 sources" in brief
    assert '<a href="https://one.example/1" title="One">1</a>' in brief
    assert '<a href="https://four.example/(4)"' in brief
    assert "javascript:" not in html
    assert '<li id="story-3"><bdi>Saved pages</bdi> <span class="developing">' in html


def test_contents_list_the_featured_stories_and_count_the_rest() -> None:
    rendered = render_briefing(featured_and_briefs())
    toc = rendered.html[rendered.html.index('<nav class="toc"') : rendered.html.index("</nav>")]
    assert '<a href="#story-1"><bdi>The story</bdi></a>' in toc
    assert "#story-2" not in toc
    assert '<a href="#more-1">2 more in brief</a>' in toc
    assert 'id="more-1"' in rendered.html
    contents = rendered.markdown.split("## 1.")[0]
    assert "1. The story" in contents
    assert "- 2 more in brief" in contents
    assert "Linked" not in contents


def test_one_liners_follow_the_featured_stories_of_their_own_section() -> None:
    briefing = featured_and_briefs()
    top, linked, saved = briefing.stories
    sections = [Section("Europe", (top, linked)), Section("Other news", (saved,))]
    rendered = render_briefing(briefing, sections=sections)
    markdown = rendered.markdown
    assert markdown.index("### 1. The story") < markdown.index("### More in Europe")
    assert markdown.index("2. Linked") < markdown.index("## Other news")
    assert markdown.index("## Other news") < markdown.index("### More in Other news")
    assert "3. Saved pages (developing) — 1 source" in markdown
    assert '<h3 class="more-title">More in Europe</h3>' in rendered.html
    assert '<ol class="briefs" start="3">' in rendered.html


RLO, PDF, FSI, PDI, RLI = "\u202e", "\u202c", "\u2068", "\u2069", "\u2067"


def reversing_briefing():  # type: ignore[no-untyped-def]
    """A story whose headline, title, outlet and summary each hold an unclosed U+202E."""
    articles = [
        make_article(
            f"a{n}",
            title=f"Title {n}{RLO}",
            outlet=f"Outlet {n}{RLO}",
            url=f"https://x.example/{n}",
        )
        for n in range(1, 6)
    ]
    story = make_story(
        *articles, headline=f"Evil {RLO}headline", summary=((f"Said {RLO}this.", "a1"),)
    )
    return make_briefing(story)


def test_html_isolates_source_text_so_an_unclosed_override_ends_with_it() -> None:
    html = render_briefing(reversing_briefing()).html
    toc = html[html.index('<nav class="toc"') : html.index("</nav>")]
    assert f'<bdi>Evil {RLO}headline</bdi></a> <span class="count">· 5 outlets</span>' in toc
    # Every override in the page sits inside an isolate that ends before the page's own text.
    outside = re.sub(f"<bdi>[^<]*</bdi>|{FSI}[^{PDI}]*{PDI}", "", html)
    assert html.count(RLO) == 14
    assert RLO not in outside
    assert f"<bdi>Outlet 1{RLO}</bdi>" in html
    assert f"<bdi>Said {RLO}this.</bdi>" in html
    assert f'title="Source 1: {FSI}Outlet 1{RLO}{PDI}"' in html  # attributes: FSI ... PDI


def test_markdown_isolates_source_text_that_could_turn_the_text_after_it() -> None:
    markdown = render_briefing(reversing_briefing()).markdown
    assert f"## 1. {FSI}Evil {RLO}headline{PDI}\n" in markdown
    assert f"{FSI}Said {RLO}this.{PDI} [[1]](https://x.example/1)" in markdown
    assert f"[{FSI}Title 1{RLO}{PDI}](https://x.example/1) · {FSI}Outlet 1{RLO}{PDI}" in markdown
    # Plain left-to-right text carries no invisible characters.
    assert FSI not in render_briefing(make_briefing(two_source_story())).markdown


def test_source_text_cannot_end_the_isolate_early_or_leave_one_open() -> None:
    assert isolate_text("plain text") == "plain text"
    assert isolate_text(f"a{PDI}{RLO}b") == f"{FSI}a{RLO}b{PDI}"  # a stray PDI is dropped
    assert isolate_text(f"a{RLI}b") == f"{FSI}a{RLI}b{PDI}{PDI}"  # its own isolate is closed
    assert isolate_text("שלום") == f"{FSI}שלום{PDI}"  # right-to-left text is isolated too
    assert isolate_text(f"a{RLO}\nb{RLO}") == f"{FSI}a{RLO}{PDI}\n{FSI}b{RLO}{PDI}"
