"""Tests for digest.cluster: events into stories, headlines, background."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from digest.cluster import (
    RARE_NAME_SHARE,
    _close_evidence,
    _Names,
    _vectors,
    attach_background,
    choose_headline,
    cluster_articles,
    story_id,
)
from digest.cluster._headline import headline_in, headlines_in, strip_attribution
from digest.cluster._kinds import is_fact_check, labelled_headline
from digest.cluster._linkage import GroupTest, average_link
from digest.cluster._names import article_names, core_names_named, name_ids
from digest.cluster._vectors import (
    CANDIDATES,
    Edges,
    candidate_edges,
    vectorize,
)
from digest.model import Article, Published, Story
from digest.text.dates import stated_day
from digest.text.language import document_language

# Shaped like seeds/: four reports of one event (1 Feb 2022; two without a stated date) and
# one report of an earlier event of the same thread (15 Dec 2021).
DENIAL = (
    "A Russian diplomat on Tuesday denied reports that Moscow sent Washington a written "
    "response to a US proposal aimed at deescalating the Ukraine crisis. Deputy Foreign "
    "Minister Alexander Grushko told RIA Novosti that the claim was not true."
)
FOLLOW_UP = (
    "Russia sent follow-up questions from Foreign Minister Sergei Lavrov on the "
    "indivisibility of security rather than a response, a senior diplomatic source told RIA "
    "Novosti. The State Department said it received a written follow-up from Russia."
)
DECEMBER = (
    "Russia handed the United States concrete proposals for binding security guarantees "
    "during a meeting with Assistant Secretary of State Karen Donfried in Moscow on "
    "Wednesday, the Kremlin said. Kremlin aide Yuri Ushakov told reporters Russia was ready to "
    "start negotiations on NATO expansion and weapons in Ukraine immediately. Washington is "
    "to send a written response to the proposals on security guarantees."
)


def make_article(
    id: str,
    title: str,
    *paragraphs: str,
    published: dt.date | None = None,
    outlet: str | None = None,
) -> Article:
    return Article(
        id=id,
        origin=f"seeds/{id}.txt",
        title=title,
        paragraphs=paragraphs,
        outlet=outlet,
        published=Published.of(published),
    )


def seeds_like() -> list[Article]:
    feb1 = dt.date(2022, 2, 1)
    return [
        make_article(
            "000",
            "Russia denies responding to US proposal on Ukraine crisis",
            DENIAL,
            "The Kremlin seeks guarantees that Ukraine will never join NATO.",
            published=dt.datetime(2022, 2, 1, 17, 6, tzinfo=dt.UTC),
            outlet="Associated Press",
        ),
        make_article(
            "001",
            "Russia denies sending response to US proposal on defusing Ukraine tensions",
            DENIAL,
            FOLLOW_UP,
            outlet="Al Jazeera",
        ),
        make_article(
            "002",
            "US gets Russia's feedback on security proposals sent by Washington",
            "The United States has received Russia's written follow-up on Washington's "
            "proposals on security and de-escalation around Ukraine, a State Department "
            "spokesperson told TASS, refusing to disclose the contents of the response.",
            FOLLOW_UP,
            published=feb1,
            outlet="Artsakhpress",
        ),
        make_article(
            "003",
            "Russia hands proposals to US on security guarantees, says Kremlin",
            DECEMBER,
            published=dt.date(2021, 12, 15),
            outlet="Reuters",
        ),
        make_article(
            "004",
            "An American announcement that Russia responded to recent proposals is not true",
            "Claims from US officials that Moscow has responded to America's proposals on "
            "de-escalation in Ukraine are inaccurate, the Russian foreign ministry said.",
            DENIAL,
            FOLLOW_UP,
            outlet="RT",
        ),
    ]


def ids(story: Story) -> list[str]:
    return [a.id for a in story.articles]


def test_seeds_event_is_one_story_and_the_earlier_event_another() -> None:
    stories = cluster_articles(seeds_like())

    assert [ids(s) for s in stories] == [["001", "004", "000", "002"], ["003"]]
    assert stories[0].id == story_id(["000", "001", "002", "004"])
    assert all(s.summary == () and s.background == () for s in stories)


def test_earlier_event_of_the_thread_becomes_background() -> None:
    stories = attach_background(cluster_articles(seeds_like()))

    assert len(stories) == 1
    assert [a.id for a in stories[0].background] == ["003"]
    assert ids(stories[0]) == ["001", "004", "000", "002"]


def test_background_needs_a_similar_subject() -> None:
    stories = cluster_articles([*seeds_like(), *sports()])

    kept = attach_background(stories)

    assert sorted(len(s.articles) for s in kept) == [2, 4]
    assert [a.id for s in kept for a in s.background] == ["003"]


def test_background_needs_weeks_between_the_events() -> None:
    stories = cluster_articles(seeds_like())

    assert attach_background(stories, min_gap_days=60) == stories
    assert attach_background(stories, max_gap_days=30) == stories


def test_same_text_weeks_apart_is_two_stories_unless_a_day_is_unknown() -> None:
    first = make_article("a", "Storm floods the river town", DENIAL, published=dt.date(2022, 2, 1))
    later = make_article("b", "Storm floods the river town", DENIAL, published=dt.date(2022, 3, 1))
    undated = make_article("c", "Storm floods the river town", DENIAL)

    assert [ids(s) for s in cluster_articles([first, later])] == [["b"], ["a"]]
    assert [ids(s) for s in cluster_articles([first, later], max_gap_days=30)] == [["a", "b"]]
    assert len(cluster_articles([first, undated])) == 1


def test_coverage_day_after_day_may_run_past_the_gap() -> None:
    # Days 1, 5, 9, 13: each report within 7 days of the last, the whole run 12 days long.
    start = dt.date(2022, 2, 1)
    articles = [
        make_article(
            f"d{n}",
            "Storm floods the river town",
            DENIAL,
            published=start + dt.timedelta(days=4 * n),
        )
        for n in range(4)
    ]

    assert [ids(s) for s in cluster_articles(articles)] == [["d0", "d1", "d2", "d3"]]


def test_a_stated_date_line_counts_when_published_is_unknown() -> None:
    first = make_article("a", "Storm floods the river town", "February 1, 2022", DENIAL)
    later = make_article("b", "Storm floods the river town", "1 March 2022", DENIAL)

    assert len(cluster_articles([first, later])) == 2


def sports() -> list[Article]:
    text = (
        "The Indianapolis Colts clinched a playoff berth with a 31-24 victory over the "
        "Jacksonville Jaguars, Peyton Manning throwing two touchdown passes."
    )
    return [
        make_article("s1", "Colts clinch playoff berth with win over Jaguars", text),
        make_article("s2", "Manning leads Colts past Jaguars into the playoffs", text),
    ]


def test_every_article_in_exactly_one_story_whatever_the_input_order() -> None:
    articles = [*seeds_like(), *sports()]
    shuffled = list(articles)
    random.Random(7).shuffle(shuffled)

    stories = cluster_articles(articles)

    assert cluster_articles(shuffled) == stories
    assert sorted(a.id for s in stories for a in s.articles) == sorted(a.id for a in articles)
    assert [len(s.articles) for s in stories] == [4, 2, 1]


def test_chain_of_weak_links_is_not_one_story() -> None:
    # b shares half its words with the a's and half with the c's (cosine 0.43 to each, above
    # the threshold); the a's and c's share nothing. Single-link would make one story of all
    # five; average-link lets b join one side only.
    a_words = "volcano eruption lava ash evacuation village crater plume"
    c_words = "election ballot parliament voters turnout candidate president polls"
    b_words = "volcano eruption lava ash election ballot parliament voters"
    articles = [
        make_article("a1", "", a_words),
        make_article("a2", "", a_words),
        make_article("b", "", b_words),
        make_article("c1", "", c_words),
        make_article("c2", "", c_words),
    ]

    groups = sorted(ids(s) for s in cluster_articles(articles, similarity=0.3))

    assert groups in ([["a1", "a2", "b"], ["c1", "c2"]], [["a1", "a2"], ["b", "c1", "c2"]])


def test_linkage_never_merges_a_pair_below_its_threshold() -> None:
    # Every candidate edge (down to a quarter of the threshold) seeds the heap; the issue saw
    # an edge of 0.02 merge two articles at threshold 0.06.
    edges = Edges(np.array([0, 2]), np.array([1, 3]), np.array([0.02, 0.3]))

    groups = average_link(edges, np.full(4, np.nan), threshold=0.06, max_gap_days=7)

    assert groups == [[0], [1], [2, 3]]


def test_no_articles_one_article_and_no_content_words() -> None:
    lone = make_article("x", "Something happened somewhere today", DENIAL)
    empty = [make_article("e1", "", "the and of"), make_article("e2", "", "a an the")]

    assert cluster_articles([]) == ()
    assert [ids(s) for s in cluster_articles([lone])] == [["x"]]
    assert sorted(ids(s) for s in cluster_articles(empty)) == [["e1"], ["e2"]]


def test_order_is_size_then_newest_then_id() -> None:
    old = make_article(
        "o", "Colts clinch playoff berth", sports()[0].text, published=dt.date(2020, 1, 1)
    )
    new = make_article("n", "Russia hands proposals to US", DECEMBER, published=dt.date(2021, 1, 1))

    stories = cluster_articles([old, new])

    assert [ids(s) for s in stories] == [["n"], ["o"]]


def test_headline_is_the_title_nearest_the_centroid() -> None:
    # Not the alphabetically first title ("An American..."), nor the off-centre "US gets...".
    articles = [a for a in seeds_like() if a.id != "003"]

    assert choose_headline(articles) == (
        "Russia denies sending response to US proposal on defusing Ukraine tensions"
    )


def test_headlines_of_many_stories_at_once_are_each_storys_own() -> None:
    russia = [a for a in seeds_like() if a.id != "003"]
    colts = [*reversed(sports())]
    both = [*colts[:1], *russia, *colts[1:]]  # a story's rows need not be next to each other
    fitted = _vectors.vectorize([_vectors.document(a) for a in both], min_df=1)
    assert fitted is not None
    vectors, space = fitted
    rows = [range(1, len(both) - 1), [0, len(both) - 1]]
    assert headlines_in([russia, colts], vectors, rows, space) == [
        headline_in(russia, vectors[1:-1], space),
        headline_in(colts, vectors[[0, len(both) - 1]], space),
    ]


@pytest.mark.parametrize(
    "title",
    ["Artsakhpress", "Tuesday, February 01, 2022, 05:06 PM IST", "Live", "12 / 02 / 2022", ""],
)
def test_headline_skips_site_names_date_lines_and_short_titles(title: str) -> None:
    good = make_article("g", "Russia denies responding to US proposal", DENIAL)
    bad = make_article("b", title, DENIAL, DENIAL, FOLLOW_UP, outlet="Artsakhpress")

    assert choose_headline([bad, good]) == "Russia denies responding to US proposal"


def test_headline_falls_back_to_the_opening_words() -> None:
    article = make_article("x", "Home", DENIAL)

    assert choose_headline([article]) == (
        "A Russian diplomat on Tuesday denied reports that Moscow sent Washington a written "
        "response…"
    )


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Lindsay Lohan checks in\nMay 03, 2013\nAfter skipping", dt.date(2013, 5, 3)),
        ("PUBLISHED: THURSDAY, MAY 2, 2013, 1:32 PM", dt.date(2013, 5, 2)),
        ("Updated 1st February 2022 at noon", dt.date(2022, 2, 1)),
        ("posted 2021-12-15T10:00", dt.date(2021, 12, 15)),
        ("On February 30, 2022 nothing; on March 2, 2022 a vote", dt.date(2022, 3, 2)),
        ("STEPANAKERT, FEBRUARY 1, ARTSAKHPRESS", None),
    ],
)
def test_stated_day(text: str, day: dt.date | None) -> None:
    assert stated_day(text) == day


def test_candidate_edges_are_few_and_each_pair_once() -> None:
    words = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota")
    docs = [" ".join([*words[i % 9 : i % 9 + 4], f"w{i}", f"w{i + 1}"]) for i in range(100)]
    fitted = vectorize(docs)
    assert fitted is not None
    days = np.full(len(docs), np.nan)

    edges = candidate_edges(fitted[0], days, floor=0.0, max_gap_days=7)

    assert 0 < len(edges.low) <= CANDIDATES * len(docs)
    assert bool(np.all(edges.low < edges.high))
    assert len(set(zip(edges.low.tolist(), edges.high.tolist(), strict=True))) == len(edges.low)


def filler(count: int) -> list[Article]:
    """Undated articles that match nothing: a batch large enough for names to be rare."""
    return [
        make_article(f"f{n:02d}", "", " ".join(f"zq{n}w{k}" for k in range(20)))
        for n in range(count)
    ]


SHOOTING = (
    "A pregnant mother of twelve, Zurana Horton, was killed in Brownsville when Andrew "
    "Lopez fired from a rooftop at rival gang members, police said. Lopez, 18, was charged "
    "with murder, and his half-brother Jonathan Carrasquillo with weapons possession."
)
TRIAL = (
    "The trial of Andrew Lopez and Jonathan Carrasquillo, accused of killing Zurana Horton "
    "as she shielded children from rooftop gunfire in Brownsville, opened in Brooklyn, "
    "where prosecutors showed the jury video of the shooting."
)
OTHER_TRIAL = (
    "The trial of a man accused of killing a mother as she shielded children from gunfire "
    "opened in Queens, where prosecutors showed the jury video of the shooting from a "
    "rooftop; the defence says the gunman aimed at rival gang members."
)


def test_follow_up_weeks_later_is_one_story_when_it_names_the_same_people() -> None:
    day = dt.date(2011, 10, 22)
    shooting = [
        make_article(f"s{n}", "Mother of twelve killed shielding children", SHOOTING, published=day)
        for n in range(2)
    ]
    trial = make_article(
        "t", "Half-brothers go on trial", TRIAL, published=day + dt.timedelta(days=60)
    )
    other = make_article(
        "o", "Gang shooting trial opens", OTHER_TRIAL, published=day + dt.timedelta(days=90)
    )

    stories = cluster_articles([*shooting, trial, other, *filler(60)])
    groups = [ids(s) for s in stories if len(s.articles) > 1]

    # The trial names Horton, Lopez, Carrasquillo, Brownsville; the other trial, a month
    # later again and on the same subject, names nobody, so it stays a story of its own.
    assert groups == [["s0", "s1", "t"]]
    # A handful of articles: no name is rare, so nothing weeks apart merges.
    assert [ids(s) for s in cluster_articles([*shooting, trial])] == [["s0", "s1"], ["t"]]


def test_article_names_skip_words_that_open_a_sentence() -> None:
    article = make_article(
        "x",
        "Ignored Title Words",
        'The Kremlin said on Tuesday that Lindsay Lohan, 26, left. "We stay," she said.',
        "In 2012 the SEACOM cable broke.",
    )

    assert article_names(article) == {
        "kremlin",
        "tuesday",
        "lindsay",
        "lohan",
        "26",
        "2012",
        "seacom",
    }


@pytest.mark.parametrize(
    ("title", "stripped"),
    [
        (
            "US gets feedback on proposals sent by Washington. Department of State",
            "US gets feedback on proposals sent by Washington",
        ),
        ("Russia denies sending a response - Reuters", "Russia denies sending a response"),
        ("Storm floods the river town | The Daily Telegraph", "Storm floods the river town"),
        ("Apple unveils a new phone — The Verge", "Apple unveils a new phone"),
        ("Storm hits the coast - live updates", "Storm hits the coast - live updates"),
        ("Gunman Kills L. A. Deputy on Gang Duty", "Gunman Kills L. A. Deputy on Gang Duty"),
        (
            "Surgeon General Nominee Dr. Regina Benjamin",
            "Surgeon General Nominee Dr. Regina Benjamin",
        ),
        ("Obama wins - AP", "Obama wins - AP"),
    ],
)
def test_strip_attribution(title: str, stripped: str) -> None:
    assert strip_attribution(title) == stripped


def test_headline_prefers_a_title_without_an_attribution_tail() -> None:
    # Stripped of " - Reuters", the first title is a little nearer the text ("crisis"); a
    # title that carries its source's name must be clearly better to win.
    tailed = make_article(
        "a", "Russia denies responding to US proposal on Ukraine crisis - Reuters", DENIAL
    )
    plain = make_article("b", "Russia denies responding to US proposal on Ukraine", DENIAL)
    lone = make_article("c", "Russia denies responding to US proposal. Department of State", DENIAL)

    assert choose_headline([tailed, plain]) == "Russia denies responding to US proposal on Ukraine"
    assert choose_headline([lone]) == "Russia denies responding to US proposal"


def test_term_counts_on_every_core_are_those_made_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [DENIAL, FOLLOW_UP, DECEMBER, DENIAL + " " + DECEMBER, "Short one.", ""]
    matrix, space = vectorize(docs, min_df=1) or pytest.fail("no terms")
    monkeypatch.setattr(_vectors, "PARALLEL_MIN", 2)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    pooled, pooled_space = vectorize(docs, min_df=1) or pytest.fail("no terms")
    assert (matrix != pooled).nnz == 0
    assert np.array_equal(space.terms, pooled_space.terms)


# Pages of the article-extraction benchmark (../shared/corpora/article-extraction-benchmark,
# gold `articleBody`), one week of November 2019 across many sites: two unrelated Portuguese
# pages, two reports of one English event and one of another.
# comoeducarseusfilhos.com.br/blog/a-fantastica-loja-dos-materiais-educativos/
PORTUGUESE_SCHOOL = (
    "O prof. Carlos Nadalim apresenta, neste vídeo, uma loja incrível nos EUA, repleta de "
    "materiais didáticos, livros e uma quantidade enorme de recursos educativos para crianças. "
    "Por que não temos uma assim no Brasil?"
)
PORTUGUESE_BREAK_IN = (  # jaraguadosul.com.br/news/servi-o-de-atendimento-domiciliar-registra-...
    "A equipe do Serviço de Atendimento Domiciliar (SAD), do bairro Amizade, registrou nesta "
    "manhã o arrombamento de dois dos cinco automóveis da unidade. Os veículos estavam sem as "
    "respectivas baterias e com marcas de depredação."
)
GERMAN_HEALTH = (  # blog.comwrap.com/die-elektronische-patientenakte-der-lange-marsch-ins-...
    "Die Digitalisierung als Wachstums- und Entwicklungstreiber zieht sich bereits heute durch "
    "fast alle Branchen und Anwendungsgebiete, sei es im Finanzbereich, der Industrie oder eben "
    "auch im Bereich Healthcare."
)
DUVET_GIZMODO = (  # gizmodo.com/a-man-developed-feather-duvet-lung-after-getting-new-be-1839924942
    "A UK man’s innocent decision to change his bedding caused him to develop a strange, rare "
    "condition that left him gasping for air, his doctors say. In a new case study out Monday, "
    "they detail how the man came down with a rare form of allergy to the bird feathers that "
    "filled his new duvet and pillows."
)
DUVET_LIVESCIENCE = (  # www.livescience.com/feather-duvet-lung.html
    "A soothing pillow and warm duvet might not always lead to better rest. A 43-year-old-man, "
    "after having switched to feather bedding, began feeling extreme fatigue and "
    'breathlessness, and was diagnosed with "feather-duvet lung," according to a new case '
    "report."
)
HOME_DEPOT = (  # www.foxbusiness.com/markets/home-depot-sales-earnings-retail
    "Dow component Home Depot reported third-quarter earnings that topped estimates as revenue "
    "fell short, sending shares lower ahead of the opening bell. Rival Lowe's was also lower "
    "following the results. The home-improvement retailer earned $2.8 billion, or $2.53 per "
    "diluted share."
)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (PORTUGUESE_SCHOOL, "portuguese"),
        (PORTUGUESE_BREAK_IN, "portuguese"),
        (GERMAN_HEALTH, "german"),
        (DUVET_GIZMODO, "english"),
        ("", "english"),
    ],
)
def test_document_language(text: str, language: str) -> None:
    assert document_language(text) == language


def test_stop_words_of_the_pages_own_language_are_not_terms() -> None:
    # Among English pages, Portuguese ones share "de", "do", "da", "uma"...: rare in the
    # batch, so they weighed like the names of one event. These two share only "de".
    docs = [PORTUGUESE_SCHOOL, PORTUGUESE_BREAK_IN, DUVET_GIZMODO, DUVET_LIVESCIENCE]

    fitted = vectorize(docs, sharpen=True)

    assert fitted is not None
    vectors = fitted[0]
    assert (vectors[0] @ vectors[1].T).toarray()[0, 0] == 0


def test_what_is_shared_counts_against_all_the_article_says() -> None:
    # The same duvet report, once alone and once followed by an unrelated story: the words
    # found in one page only (the Home Depot ones) make it less like the other duvet report.
    padded = f"{DUVET_LIVESCIENCE}\n{HOME_DEPOT}"
    fitted = vectorize([DUVET_GIZMODO, DUVET_LIVESCIENCE, padded], sharpen=True)

    assert fitted is not None
    cosine = (fitted[0] @ fitted[0].T).toarray()
    assert 0 < cosine[0, 2] < cosine[0, 1]


# Two events of one topic, from the pooled Multi-News dev day (issue 11): Stephen Colbert's
# bid for Jim DeMint's Senate seat (multinews-validation-sample036, docs 0, 1 and 3) and his
# trip to Russia (sample137, docs 0-2); the build joined them into one story. Quoted,
# shortened.
COLBERT_SENATE = (
    "The most likely person to replace retiring Sen. Jim DeMint (R-S.C.) is Rep. Tim Scott. "
    "But almost as soon as Scott's name popped up, another South Carolina native was roped "
    "in: Stephen Colbert.",
    "Stephen Colbert has launched a Twitter campaign to get South Carolina Gov. Nikki Haley "
    "to appoint him to replace Sen. Jim DeMint, who announced he was quitting Thursday.",
    "The swell of online support for Republican South Carolina Gov. Nikki Haley to appoint "
    "comedy show host Stephen Colbert to her state's open U.S. Senate seat hasn't gone "
    "unnoticed by the Palmetto State Republican.",
)
COLBERT_RUSSIA = (
    "Stephen Colbert has technically colluded with Russia. The host of The Late Show went "
    "abroad to Saint Petersburg, where he met his Russian late-night TV host equivalent, Ivan "
    "Urgant, and appeared on his show, Evening Urgant.",
    'Stephen Colbert kicked off day one of "Russia Week" on The Late Show with more jabs at '
    "Donald Trump Jr.'s Russian ties and new footage of Colbert's recent trip to the country.",
    "Stephen kicks off 'Russia Week' with a deep dive into the prized jewel of Russia: the "
    "Trump administration. Watch The Late Show with Stephen Colbert weeknights on the host's "
    "channel.",
)
# One event told four times: the wrong envelope at the 2017 Oscars (sample205, docs 0, 1, 4
# and 5).
OSCARS = (
    '"La La Land" producer Jordan Horowitz interrupts the Oscars telecast Sunday night to '
    'announce that "Moonlight," not "La La Land" was the real winner for best picture.',
    "Warren Beatty exits the stage after announcing the award for best picture at the Oscars "
    "on Sunday at the Dolby Theatre in Los Angeles, after Faye Dunaway read out La La Land.",
    "Any hope of a sneak upset was dashed when Faye Dunaway read out the winner. The wrong "
    "envelope? What is Warren Beatty trying to explain just happened to Moonlight?",
    "Best Picture was handed to the wrong film, presumed frontrunner La La Land, because "
    "presenters Warren Beatty and Faye Dunaway were given the wrong envelope.",
)


def name_rows(*texts: str) -> list[frozenset[str]]:
    return [article_names(make_article(f"n{n}", "", text)) for n, text in enumerate(texts)]


def core_named(left: Sequence[str], right: Sequence[str], *, rare: float) -> float:
    """`core_names_named` over the texts' names, document frequency counted among them."""
    rows = name_rows(*left, *right)
    ids_of: dict[str, int] = {}
    id_rows = [frozenset(ids_of.setdefault(n, len(ids_of)) for n in sorted(r)) for r in rows]
    df = [sum(i in row for row in id_rows) for i in range(len(ids_of))]
    return core_names_named(id_rows[: len(left)], id_rows[len(left) :], df, rare)


def test_two_events_of_one_topic_name_different_things() -> None:
    # "Stephen" and "Colbert" are in all six, so not rare: the topic's best-known name.
    # The Senate articles agree on DeMint, Haley, South Carolina; the Russia ones on Russia,
    # the Late Show, Russia Week: neither side names the other's.
    assert core_named(COLBERT_SENATE, COLBERT_RUSSIA, rare=3) == 0.0
    # Two tellings of one event name what the other agrees on (Beatty, Dunaway, La La Land).
    assert core_named(OSCARS[:2], OSCARS[2:], rare=4) >= 0.5


def test_a_group_that_agrees_on_no_rare_name_gives_no_evidence() -> None:
    # One article: nothing corroborates its names, so it has no core.
    assert core_named(COLBERT_SENATE[:1], COLBERT_RUSSIA, rare=3) == 1.0
    # Every name in more articles than `rare`: no core either.
    assert core_named(COLBERT_SENATE, COLBERT_RUSSIA, rare=1) == 1.0


def test_linkage_keeps_apart_the_groups_it_is_told_to() -> None:
    # Two tight pairs joined by strong cross edges: one group of four unless `apart` says no.
    low, high = np.array([0, 2, 0, 0, 1, 1]), np.array([1, 3, 2, 3, 2, 3])
    edges = Edges(low, high, np.array([0.5, 0.5, 0.3, 0.3, 0.3, 0.3]))
    days = np.full(4, np.nan)

    def apart(left: Sequence[int], right: Sequence[int]) -> bool:
        return len(left) > 1 and len(right) > 1

    assert average_link(edges, days, threshold=0.1, max_gap_days=7) == [[0, 1, 2, 3]]
    kept = average_link(edges, days, threshold=0.1, max_gap_days=7, apart=apart)
    assert kept == [[0, 1], [2, 3]]


def test_two_events_of_one_topic_stay_two_stories(monkeypatch: pytest.MonkeyPatch) -> None:
    senate = [make_article(f"s{n}", "", text) for n, text in enumerate(COLBERT_SENATE)]
    russia = [make_article(f"r{n}", "", text) for n, text in enumerate(COLBERT_RUSSIA)]
    oscars = [make_article(f"o{n}", "", text) for n, text in enumerate(OSCARS)]
    batch = [*senate, *russia, *oscars, *filler(60)]

    def several() -> list[list[str]]:
        return sorted(ids(s) for s in cluster_articles(batch) if len(s.articles) > 1)

    assert several() == [["o0", "o1", "o2", "o3"], ["r0", "r1", "r2"], ["s0", "s1", "s2"]]
    # On similarity alone the two Colbert events are one story: the rule is what splits them.
    monkeypatch.setattr("digest.cluster.CORE_NAMED", 0.0)
    assert several() == [["o0", "o1", "o2", "o3"], ["r0", "r1", "r2", "s0", "s1", "s2"]]


# Two press releases of one company, one week of ../shared/corpora/article-extraction-benchmark
# (pages 5ae11e, c69e53 on ascom.com; excerpts): two partnerships, two events, one site.
ASCOM_GE = (
    "Based on Ascom’s connectivity, clinical workflow and mobility expertise, the Digistat "
    "Patient Watch solution provides clinicians throughout Europe with an innovative solution "
    "to address the needs of Intensive Care Units (ICUs). This partnership further expands the "
    "existing global relationship between GE and Ascom. The new alarm management solution "
    "collects data from a variety of devices connected to the patient, highlighting alarms "
    "on any connected device, displayed on a handheld mobile device such as the Ascom Myco 2."
)
ASCOM_DRAEGER = (
    "Ascom, a global solutions provider focused on healthcare ICT and mobile workflow "
    "solutions, announced a new North American integrated clinical alarm management solution "
    "with Dräger, to integrate Ascom Unite Connect for clinical systems software with Dräger "
    "Infinity patient monitoring systems. The joint clinical alarm management solution "
    "extends the reach of patient alarms to the caregiver’s mobile device, helping nurses "
    "distinguish between artifacts, false alarms, and real alarms."
)


def test_pages_of_one_source_alone_are_not_one_story() -> None:
    def published_by(*hosts: str | None) -> list[Article]:
        texts = (ASCOM_GE, ASCOM_DRAEGER)
        return [
            replace(make_article(f"p{n}", "", text), url=host and f"https://{host}/news/{n}")
            for n, (text, host) in enumerate(zip(texts, hosts, strict=True))
        ]

    def several(batch: list[Article]) -> list[list[str]]:
        stories = cluster_articles([*batch, *filler(60)])
        return sorted(ids(s) for s in stories if len(s.articles) > 1)

    # Saved pages name no source: on similarity alone the two releases are one story.
    assert several(published_by(None, None)) == [["p0", "p1"]]
    # From one site, they are that company's topic: two stories.
    assert several(published_by("www.ascom.com", "ascom.com")) == []
    # From two sites, similarity decides again.
    assert several(published_by("ascom.com", "example-news.com")) == [["p0", "p1"]]


def never(left: Sequence[int], right: Sequence[int]) -> bool:
    """A group test that accepts nothing."""
    return False


def undated_links(
    edges: Edges,
    *,
    pair_threshold: float = 0.0,
    pair_evidence: GroupTest | None = None,
    close_threshold: float = 0.0,
    close_evidence: GroupTest | None = None,
) -> list[list[int]]:
    """`average_link` at threshold 0.1 over undated articles, with the given evidence tests."""
    return average_link(
        edges,
        np.full(int(edges.high.max()) + 1, np.nan),
        threshold=0.1,
        max_gap_days=7,
        pair_threshold=pair_threshold,
        pair_evidence=pair_evidence,
        close_threshold=close_threshold,
        close_evidence=close_evidence,
    )


def test_linkage_asks_two_lone_articles_for_evidence_below_the_pair_threshold() -> None:
    # 0-1: two lone articles a little above the threshold; 2-3: a strong pair; 4 joins 2-3
    # at the same weight as 0-1, as a lone article joining a group.
    low, high = np.array([0, 2, 2, 3]), np.array([1, 3, 4, 4])
    edges = Edges(low, high, np.array([0.15, 0.5, 0.15, 0.15]))

    def linked(pair_threshold: float, evidence: GroupTest | None) -> list[list[int]]:
        return undated_links(edges, pair_threshold=pair_threshold, pair_evidence=evidence)

    assert linked(0.2, None) == [[0, 1], [2, 3, 4]]
    assert linked(0.2, never) == [[0], [1], [2, 3, 4]]
    # At or above the pair threshold, similarity alone decides.
    assert linked(0.15, never) == [[0, 1], [2, 3, 4]]


# Two lone pages of one subject and two of one event, from one week of
# ../shared/corpora/article-extraction-benchmark (excerpts). The stabbings (pages 5caf91 on
# sfgate.com, e372e4 on jpost.com) merged at 0.051 there, sharing no rare name; the two
# pages on Prince Andrew's interview (1f765c on sputniknews.com, 87bf60 on
# washingtonexaminer.com) at 0.106, sharing eight.
STABBING_BART = (
    "A California transit chief says a man has been stabbed to death on a San Francisco Bay "
    "Area commuter train during a fight. Interim BART Police Chief Ed Alvarez told reporters "
    "at a news conference that officials began receiving 911 calls Tuesday afternoon about a "
    "fight aboard a train between two men. He says transit officers boarded the train at the "
    "next stop and found a man bleeding, who was possibly the victim of a stabbing."
)
STABBING_BERLIN = (
    "The son of former German President Richard von Weizsäcker, Fritz Eckart von Weizsäcker "
    "was stabbed to death, while another man was critically injured in an attempt to stop the "
    "assailant, Kan reported on Wednesday. The stabbing occurred during a presentation led by "
    "von Weizsäcker at the Schlosspark-Klinik in Berlin, where he worked as a chief physician."
)
ANDREW_SPUTNIK = (
    "In it, the British royal blankly denied having sex with underage girls supplied to him by "
    "the convicted pedophile Epstein. The denials were in spite of the facts that Prince "
    "Andrew stayed with Epstein in his New York City mansion. His friendship with the "
    "convicted sex offender Jeffrey Epstein is under investigation by the FBI, the expert "
    "warned. The answers he gave to the BBC interviewer were rife with implausibilities."
)
ANDREW_EXAMINER = (
    "In an interview about his friendship with billionaire pedophile and alleged sex "
    "trafficker Jeffrey Epstein, BBC’s Emily Maitlis did an excellent job pressing Andrew. "
    "Maitlis repeatedly demanded how Andrew, Queen Elizabeth II's third child, could be so "
    "sure what he was doing on the night of March 10, during which he allegedly raped "
    "17-year-old Virginia Giuffre, a victim of Epstein’s alleged sex trafficking ring."
)


@pytest.mark.parametrize(
    ("texts", "one_story"),
    [((STABBING_BART, STABBING_BERLIN), False), ((ANDREW_SPUTNIK, ANDREW_EXAMINER), True)],
)
def test_two_lone_articles_a_little_alike_need_rare_names_in_common(
    monkeypatch: pytest.MonkeyPatch, texts: tuple[str, str], one_story: bool
) -> None:
    batch = [make_article(f"p{n}", "", text) for n, text in enumerate(texts)]

    def together() -> bool:
        return any(len(s.articles) > 1 for s in cluster_articles([*batch, *filler(60)]))

    # Among 60 unrelated articles the two excerpts are far more alike than among a week's
    # news; raising the pair threshold puts them where the full pages were.
    monkeypatch.setattr("digest.cluster.PAIR_FACTOR", 100.0)
    assert together() is one_story
    # On similarity alone both pairs are one story: the rule is what splits the stabbings.
    monkeypatch.setattr("digest.cluster.PAIR_NAMES", 0)
    assert together()


def test_linkage_asks_merges_with_a_group_for_evidence_below_the_close_threshold() -> None:
    # 0-1 and 2-3: two strong pairs joined at 0.15 on average; 4 joins the strong pair 5-6 at
    # 0.15 too (one edge of 0.3 to article 5, none to 6); 7-8: two lone articles at 0.15.
    low, high = np.array([0, 2, 0, 1, 0, 1, 5, 4, 7]), np.array([1, 3, 2, 3, 3, 2, 6, 5, 8])
    weights = np.array([0.5, 0.5, 0.15, 0.15, 0.15, 0.15, 0.5, 0.3, 0.15])
    edges = Edges(low, high, weights)

    def linked(close_threshold: float, evidence: GroupTest | None) -> list[list[int]]:
        return undated_links(edges, close_threshold=close_threshold, close_evidence=evidence)

    assert linked(0.2, None) == [[0, 1, 2, 3], [4, 5, 6], [7, 8]]
    # Neither a group nor a lone article joins a group on 0.15; two lone articles still do
    # (they are the pair test's).
    assert linked(0.2, never) == [[0, 1], [2, 3], [4], [5, 6], [7, 8]]
    # At or above the close threshold, similarity alone decides.
    assert linked(0.15, never) == [[0, 1, 2, 3], [4, 5, 6], [7, 8]]


# Pages of ../shared/corpora/article-extraction-benchmark (excerpts, verbatim). Two on the
# 16-inch MacBook Pro (65bf30 on appleinsider.com, 5fa567 on gizmodo.com), two deal lists
# of the same days (ad8266 on 9to5mac.com, e7d77f on bgr.com): the two groups merged there at
# 0.046, just above the threshold.
MACBOOK = (
    "The new keyboard on the 16-inch MacBook Pro has a physical escape key, and instead of "
    "the Touch ID sensor being connected to the Touch Bar, it is in its own little well. "
    "Depending on model, there are options for a AMD Radeon Pro 5300M or 5500M.",
    "The new machine comes with a bigger display, a bigger battery, better speakers, and a "
    "brand new AMD graphics card. There’s a physical escape button just like there was on "
    "MacBook Pros before the rise of the Touch Bar.",
)
DEALS = (
    "Monday’s best deals include various MacBook models from $700 at Amazon. You’ll also find "
    "AirPods 2 with wireless charging case for $150 and Black Friday pricing on ecobee "
    "thermostats from $139. Rakuten offers the latest Apple AirPods with wireless charging "
    "case for $150.",
    "AirPods 2 dropped to an all-time low on Amazon at just $139, and AirPods 2 with Wireless "
    "Charging Case are down to $164.99. Of course, as is the case each and every year on "
    "Black Friday, people tend to be particularly interested in deals on Apple devices.",
)
# Three pages on the phase-one trade talks (39d5c4 on deccanherald.com, 702d1d on
# nytimes.com, b6906c on politifact.com) and Reuters' markets report of the day (57d46c),
# which joined them at 0.044.
TRADE_TALKS = (
    "One Washington-based trade expert said that to achieve the $40-50 billion in annual "
    "Chinese purchases of American farm goods touted by Trump in October, he would likely "
    "have to eliminate all of the tariffs. A 'phase one' trade deal, once expected to be "
    "completed within weeks of an October news conference between Trump and Chinese "
    "vice-premier Liu He, could now be pushed into next year, trade experts say.",
    "The president announced the Phase 1 trade deal during a meeting in the Oval Office with "
    "Liu He, China’s top trade negotiator. In a letter to the president in May, Zippy Duvall, "
    "the president of the American Farm Bureau, said farmers faced hardship, He Jianxiong "
    "said at a Nov. 6 event at the Peterson Institute in Washington.",
    "Firms will inevitably pass on some or all of the increase to U.S. consumers, said Monica "
    "de Bolle, a senior fellow at the Peterson Institute for International Economics. U.S. "
    "agricultural exports to China dropped to $9.1 billion in 2018, according to the American "
    "Farm Bureau Federation.",
)
MARKETS = (
    "U.S. President Donald Trump said he would raise tariffs on Chinese imports if no deal is "
    "reached with Beijing to end the trade war. While the dollar was supported by recent U.S. "
    "economic data, the greenback may be in for some weakness, said Juan Perez, senior "
    "foreign exchange trader and strategist at Tempus Inc."
)


def close_accepts(*groups: Sequence[str]) -> bool:
    """`_close_evidence` on the groups of texts, among 60 unrelated articles."""
    texts = [text for group in groups for text in group]
    batch = [make_article(f"c{n}", "", text) for n, text in enumerate(texts)] + filler(60)
    names = _Names(*name_ids(batch), rare=RARE_NAME_SHARE * len(batch))
    sides, start = [], 0
    for group in groups:
        sides.append(list(range(start, start + len(group))))
        start += len(group)
    return _close_evidence(names)(*sides)


def test_two_groups_barely_alike_each_name_some_of_what_the_other_agrees_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The deal lists name the MacBook, a quarter of what the two MacBook pages agree on (AMD,
    # the Touch Bar); the MacBook pages name none of the deal lists' AirPods, Amazon, Black
    # Friday: two events.
    assert not close_accepts(MACBOOK, DEALS)
    assert not close_accepts(DEALS, MACBOOK)
    # Two tellings of one event each name what the other agrees on: a half and three quarters.
    assert close_accepts(OSCARS[:2], OSCARS[2:])
    monkeypatch.setattr("digest.cluster.CLOSE_NAMED", 0.6)
    assert not close_accepts(OSCARS[:2], OSCARS[2:])


def test_a_lone_article_barely_alike_names_one_of_what_the_group_agrees_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The talks' pages agree on seven rare names (American, Bureau, Farm, He, Institute, Liu,
    # Peterson); the markets report names Trump and Beijing and none of those.
    assert not close_accepts(TRADE_TALKS, [MARKETS])
    assert not close_accepts([MARKETS], TRADE_TALKS)
    assert close_accepts(OSCARS[1:], OSCARS[:1])
    assert close_accepts(OSCARS[:1], OSCARS[1:])
    # A group of two that agrees on no rare name is asked what a lone article is.
    assert not close_accepts([MARKETS, STABBING_BART], TRADE_TALKS)
    # A core smaller than CLOSE_CORE_LEAST gives no evidence.
    monkeypatch.setattr("digest.cluster.CLOSE_CORE_LEAST", 7)
    assert not close_accepts(TRADE_TALKS, [MARKETS])
    monkeypatch.setattr("digest.cluster.CLOSE_CORE_LEAST", 8)
    assert close_accepts(TRADE_TALKS, [MARKETS])


def test_clustering_asks_close_merges_for_their_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    batch = [make_article(f"o{n}", "", text) for n, text in enumerate(OSCARS)] + filler(60)

    def largest() -> int:
        return max(len(s.articles) for s in cluster_articles(batch))

    assert largest() == 4
    # Every merge with a group is a close one, and none has the evidence: no group grows
    # beyond a pair.
    monkeypatch.setattr("digest.cluster.CLOSE_FACTOR", 100.0)
    monkeypatch.setattr("digest.cluster._close_evidence", lambda names: never)
    assert largest() <= 2


@pytest.mark.parametrize(
    ("url", "title", "fact_check"),
    [
        # Pages of ../shared/corpora/article-extraction-benchmark: a fact-checking site, a
        # section of one, a newsroom's fact-check section, VOA's fact-checking site.
        ("https://www.snopes.com/fact-check/marie-yovanovitch-net-worth/", "", True),
        (
            "https://www.politifact.com/truth-o-meter/article/2019/nov/18/"
            "politifacts-guide-understanding-tariffs-and-intern/",
            "",
            True,
        ),
        (
            "https://www.newsnation.in/fact-check/news/"
            "fact-check-is-an-oxygen-bar-in-delhi-offering-fresh-air-for-rs-300-244592.html",
            "",
            True,
        ),
        (
            "https://www.polygraph.info/a/fact-check-russia-us-al-tanf-rukban/30279001.html",
            "",
            True,
        ),
        ("https://apnews.com/article/ap-fact-check-trump-speech-1a2b3c", "", True),
        ("https://eu.usatoday.com/story/news/factcheck/2020/06/01/claim/5300000002/", "", True),
        ("https://www.washingtonpost.com/politics/2019/11/18/fact-checker/a-claim/", "", True),
        ("https://www.nytimes.com/2020/09/29/us/politics/fact-check-debate.html", "", True),
        ("https://edition.cnn.com/2019/11/18/politics/FACT-CHECK-trump/index.html", "", True),
        ("https://m.snopes.com/fact-check/a-claim/", "", True),
        ("https://www.snopes.com./news/a-story/", "", True),
        # Reports on fact checking, and addresses that only look like a fact-checking site's.
        ("https://example-news.com/2020/10/23/biden-fact-checks-trump-at-debate", "", False),
        ("https://example-news.com/technology/meta-ends-fact-checking-program", "", False),
        ("https://politifact.com.evil.example.net/story", "", False),
        ("mailto:factcheck@example.org", "", False),
        (None, "AP FACT CHECK: Trump's claims on the border wall", True),
        (None, "Fact check: Is an oxygen bar in Delhi offering fresh air?", True),
        # Reports, whatever words their addresses or titles hold.
        ("https://www.nytimes.com/2019/11/18/business/trump-trade-war-china.html", "", False),
        ("https://example.com/museum/artifact-checks-begin", "", False),
        ("https://notsnopes.com/story", "", False),
        (None, "Fact checkers dispute the video's claims", False),
        ("https://[broken/fact-check/", "", False),
    ],
)
def test_is_fact_check(url: str | None, title: str, fact_check: bool) -> None:
    article = replace(make_article("a", title, "Text."), url=url)
    assert is_fact_check(article) is fact_check


# Snopes's check of a rumour (page 838068 of ../shared/corpora/article-extraction-benchmark)
# and two reports of the impeachment hearings it came up in (7a664e on cbsnews.com, c90731 on
# deccanherald.com); excerpts. The check joined the hearings' story there, at 0.042.
YOVANOVITCH_SNOPES = (
    "Former U.S. ambassador to Ukraine Marie Yovanovitch has a net worth of $17 million.",
    "On Nov. 15, 2019, former U.S. ambassador to the Ukraine Marie Yovanovitch testified before "
    "the U.S. House Intelligence Committee in the impeachment inquiry against President Donald "
    "Trump. Shortly after, some of Trump’s defenders took to social media apparently to "
    "discredit her testimony, claiming that the ambassador’s net worth far exceeded her salary, "
    "insinuating because of some illicit means:",
)
HEARINGS_CBS = (
    "Kurt Volker, the former special envoy to Ukraine, and Tim Morrison, a former National "
    "Security Council official, testified side-by-side before the House Intelligence Committee "
    "Tuesday about the events at the center of the impeachment inquiry. Volker said he had no "
    "knowledge of any efforts to urge Ukraine to investigate Joe and Hunter Biden.",
)
HEARINGS_DECCAN = (
    "US President Donald Trump has claimed victory as the Democratic Party-controlled House of "
    "Representatives concluded its third public hearing on the impeachment proceedings against "
    "him for allegedly abusing his office for political gain in the run-up to the 2020 "
    "presidential election.",
    "The impeachment hearings are an effort by Democrats to establish whether Trump withheld US "
    "military aid to Ukraine to pressure the country's President Volodymyr Zelensky into "
    "announcing a corruption inquiry into Joe Biden, Trump's leading Democratic rival in the "
    "poll.",
)


def test_a_fact_check_is_a_story_of_its_own() -> None:
    def several(*urls: str | None) -> list[list[str]]:
        texts = (YOVANOVITCH_SNOPES, HEARINGS_CBS, HEARINGS_DECCAN)
        batch = [
            replace(make_article(f"p{n}", "", *paragraphs), url=url)
            for n, (paragraphs, url) in enumerate(zip(texts, urls, strict=True))
        ]
        stories = cluster_articles([*batch, *filler(60)])
        return sorted(ids(s) for s in stories if len(s.articles) > 1)

    snopes = "https://www.snopes.com/fact-check/marie-yovanovitch-net-worth/"
    # Saved pages with no address: the check reads like the hearings and joins them.
    assert several(None, None, None) == [["p0", "p1", "p2"]]
    # Known as a fact check, it stays apart from the reports...
    assert several(snopes, "https://www.cbsnews.com/a", "https://www.deccanherald.com/b") == [
        ["p1", "p2"]
    ]
    # ...and joins another fact check as readily as a report joins a report.
    assert several(snopes, "https://www.factcheck.org/2019/11/a", None) == [["p0", "p1"]]


def test_a_story_of_fact_checks_says_so_in_its_headline() -> None:
    snopes = "https://www.snopes.com/fact-check/marie-yovanovitch-net-worth/"
    check = replace(make_article("p0", "", *YOVANOVITCH_SNOPES), url=snopes)
    report = replace(make_article("p1", "", *HEARINGS_CBS), url="https://www.cbsnews.com/a")
    headlines = {ids(s)[0]: s.headline for s in cluster_articles([check, report, *filler(60)])}
    # The untitled check's first sentence is the claim it rates, not news.
    assert headlines["p0"].startswith(
        "Fact check: Former U.S. ambassador to Ukraine Marie Yovanovitch has a net worth"
    )
    assert not headlines["p1"].startswith("Fact check")
    # Alone (no clustering to do), and with a title that says so already.
    assert cluster_articles([check])[0].headline.startswith("Fact check: Former U.S.")
    # A headline that says what it is already is not labelled twice.
    for said in (
        "AP FACT CHECK: Trump's claims on the border",
        "Reuters Fact Check: The video is from 2015",
        "Fact-Checking the First Debate",
        "AP FACT FOCUS: What the numbers show",
    ):
        assert labelled_headline(said, fact_checks=True) == said
    assert labelled_headline("A claim", fact_checks=False) == "A claim"


def test_a_title_that_reads_as_a_caption_heads_a_story_only_when_nothing_else_can(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Multi-News dev sample110: an untitled Reuters page whose lead is its gallery's captions,
    # beside a report on the same arrest.
    caption = "Aurelie Chatelain, in this photograph provided by the Caudry City Hall April…"
    report = "An Islamic extremist with an arsenal of heavy weapons planned an imminent…"
    body = "An Algerian student suspected of planning an attack on a church was arrested in Paris."
    gallery = make_article("a", caption, body)
    arrest = make_article("b", report, body)
    assert choose_headline([gallery, arrest]) == report
    assert choose_headline([gallery]) == caption
    # Scored like any title, the caption (the longer, on a tie) would win.
    monkeypatch.setattr("digest.cluster._headline._reads_as_furniture", lambda title: False)
    assert choose_headline([gallery, arrest]) == caption
