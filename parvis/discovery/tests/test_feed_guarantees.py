"""The discovery feed's guarantees, checked on the lists of every page of the demo."""

import datetime as dt

import pytest
from django.utils import translation

from parvis.content.models import FichePage, Theme
from parvis.discovery import selectors
from parvis.discovery.evaluation import pages_evaluated
from parvis.discovery.feed import SIZE, About, Item, Vocabulary, feed_build, is_unsought

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def demo_lists(django_db_setup, django_db_blocker):
    """(page, picks) for every page type of the demo, for one day."""
    with django_db_blocker.unblock(), translation.override("fr"):  # reasons in French
        items, vocab = selectors.catalogue(), selectors.vocabulary()
        return vocab, [
            (page, selectors.discovery_feed(about=page.about, day=DAY, items=items, vocab=vocab))
            for page in pages_evaluated()
        ]


def test_every_page_type_of_the_demo_is_covered(demo_lists):
    """Every page type that shows a list (home, Fiches, doors, quartiers) is checked."""
    _vocab, lists = demo_lists
    kinds = {page.kind for page, _ in lists}
    assert kinds == {"accueil", "fiche", "porte", "quartier"}
    assert all(len(picks) == SIZE for _page, picks in lists)


def test_at_least_a_third_of_every_list_is_unsought(demo_lists):
    """Every list holds at least a third of items sharing no theme and no quartier with its page."""
    vocab, lists = demo_lists
    for page, picks in lists:
        unsought = [p for p in picks if is_unsought(p.item, page.about, vocab.sensitive)]
        assert len(unsought) * 3 >= len(picks), (page.kind, page.title)
        assert all(p.unsought for p in unsought)


def test_a_sensitive_page_never_gets_more_of_the_same(demo_lists):
    """Lists built from a page about a sensitive theme hold no item of a sensitive theme."""
    vocab, lists = demo_lists
    sensitive_lists = [
        (page, picks) for page, picks in lists if page.about.themes & vocab.sensitive
    ]
    assert len(sensitive_lists) >= 4  # social aid Fiches, the CCAS places…
    for page, picks in sensitive_lists:
        assert not [p.item.key for p in picks if p.item.themes & vocab.sensitive], page.title


def test_sensitive_themes_never_select_anything(demo_lists):
    """No item is presented as related through a sensitive theme."""
    vocab, lists = demo_lists
    for page, picks in lists:
        for pick in picks:
            if not pick.unsought:
                shared_themes = pick.item.themes & page.about.themes - vocab.sensitive
                assert shared_themes or pick.item.quartiers & page.about.quartiers, page.title


def test_every_item_says_why_it_is_there(demo_lists):
    """Each item carries a short reason ("Un autre quartier : …", "Autre thème : …")."""
    _vocab, lists = demo_lists
    for _page, picks in lists:
        assert all(pick.reason for pick in picks)
    reasons = {pick.reason.split(" :")[0] for _page, picks in lists for pick in picks}
    assert {"Un autre quartier", "Autre thème"} <= reasons


def test_the_list_is_the_same_all_day_and_changes_with_the_day():
    """Deterministic per (day, page): cacheable until midnight, renewed the next day."""
    page = FichePage.objects.live().get(slug="refaire-carte-identite")
    about = selectors.about_page(page)
    first = [p.item.key for p in selectors.discovery_feed(about=about, day=DAY)]
    again = [p.item.key for p in selectors.discovery_feed(about=about, day=DAY)]
    later = [
        [p.item.key for p in selectors.discovery_feed(about=about, day=DAY + dt.timedelta(n))]
        for n in range(1, 4)
    ]
    assert first == again
    assert any(keys != first for keys in later)


def test_only_quality_items_are_offered():
    """Overdue Fiches, stale news and items without a summary never appear."""
    day = DAY
    good = [
        Item(
            key=f"fiche:g{n}",
            kind="fiche",
            title=f"G{n}",
            url=f"/g{n}/",
            summary="Oui.",
            themes=frozenset({f"t{n}"}),
        )
        for n in range(8)
    ]
    bad = [
        Item(
            key="fiche:overdue",
            kind="fiche",
            title="O",
            url="/o/",
            summary="x",
            review_due=day - dt.timedelta(days=1),
        ),
        Item(
            key="actualite:old",
            kind="actualite",
            title="A",
            url="/a/",
            summary="x",
            published_on=day - dt.timedelta(days=400),
        ),
        Item(key="fiche:empty", kind="fiche", title="E", url="/e/", summary=""),
    ]
    picks = feed_build(items=good + bad, about=About(key="x"), vocab=Vocabulary(), day=day)
    assert not {p.item.key for p in picks} & {"fiche:overdue", "actualite:old", "fiche:empty"}


def test_a_short_catalogue_shortens_the_list_rather_than_break_the_share():
    """With one unsought item available, the list holds at most two related ones."""
    about = About(key="p", themes=frozenset({"sport"}))
    related = [
        Item(
            key=f"fiche:s{n}",
            kind="fiche",
            title="S",
            url=f"/s{n}/",
            summary="x",
            themes=frozenset({"sport"}),
        )
        for n in range(10)
    ]
    other = [
        Item(
            key="fiche:c",
            kind="fiche",
            title="C",
            url="/c/",
            summary="x",
            themes=frozenset({"culture"}),
        )
    ]
    picks = feed_build(items=related + other, about=about, vocab=Vocabulary(), day=DAY)
    assert len(picks) == 3 and sum(p.unsought for p in picks) == 1


def test_chosen_interests_still_leave_the_unsought_share():
    """A person's quartier and interests steer the related part, never the guaranteed third."""
    items, vocab = selectors.catalogue(), selectors.vocabulary()
    chosen = About(
        key="preferences", themes=frozenset({"sport"}), quartiers=frozenset({"nantes-nord"})
    )
    picks = selectors.discovery_feed(
        about=About(key="accueil"), day=DAY, preferences=chosen, items=items, vocab=vocab
    )
    related = [p for p in picks if not p.unsought]
    assert related and all(
        p.item.themes & chosen.themes or p.item.quartiers & chosen.quartiers for p in related
    )
    assert sum(p.unsought for p in picks) * 3 >= len(picks)


def test_a_sensitive_interest_is_ignored():
    """Even if a sensitive theme reached the choice, it selects nothing."""
    sensitive = set(Theme.objects.filter(sensitive=True).values_list("slug", flat=True))
    assert "solidarite-social" in sensitive
    chosen = About(key="preferences", themes=frozenset({"solidarite-social"}))
    about = About(key="accueil")
    with_choice = selectors.discovery_feed(about=about, day=DAY, preferences=chosen)
    without = selectors.discovery_feed(about=about, day=DAY)
    assert [p.item.key for p in with_choice] == [p.item.key for p in without]


def test_every_page_of_the_demo_gets_its_list_from_the_days_plan():
    """The plan sees each page as the page itself does (same facets), so no page falls back."""
    items, vocab = selectors.catalogue(), selectors.vocabulary()
    plan = selectors.plan_of_day(items=items, vocab=vocab, day=DAY)
    for page in pages_evaluated():
        planned = plan.lists.get(page.about.key)
        assert planned is not None and planned[0] == page.about, page.title
        picks = selectors.discovery_feed(about=page.about, day=DAY, items=items, vocab=vocab)
        assert tuple(p.item.key for p in picks) == planned[1]


def test_the_days_plan_spreads_the_slots_over_the_catalogue():
    """Side by side on the demo: lists planned together show more of the catalogue, and more
    evenly, than the same lists drawn each alone; each keeps its unsought third."""
    from parvis.discovery.evaluation import _gini
    from parvis.discovery.feed import day_plan, is_quality

    items, vocab = selectors.catalogue(), selectors.vocabulary()
    showable = [i.key for i in items if is_quality(i, DAY)]
    abouts = selectors.site_abouts(items, vocab.quartiers)
    alone = [
        [p.item.key for p in feed_build(items=items, about=a, vocab=vocab, day=DAY)] for a in abouts
    ]
    plan = day_plan(items=items, abouts=abouts, vocab=vocab, day=DAY)
    planned = [list(plan.lists[a.key][1]) for a in abouts]
    by_key = {i.key: i for i in items}
    for about, keys in zip(abouts, planned, strict=True):
        unsought = [k for k in keys if is_unsought(by_key[k], about, vocab.sensitive)]
        assert len(unsought) * 3 >= len(keys), about.key

    def figures(lists: list[list[str]]) -> tuple[int, float]:
        counts = dict.fromkeys(showable, 0)
        for keys in lists:
            for key in keys:
                counts[key] += 1
        return sum(1 for c in counts.values() if c), _gini(list(counts.values()))

    (covered_alone, gini_alone), (covered_plan, gini_plan) = figures(alone), figures(planned)
    assert covered_plan == len(showable) or covered_plan > covered_alone
    assert gini_plan < gini_alone


def test_a_planned_list_is_explained_in_the_readers_language():
    """The plan keeps items, not sentences: the same list reads in French and in English."""
    page = FichePage.objects.live().get(slug="refaire-carte-identite")
    about = selectors.about_page(page)
    with translation.override("fr"):
        french = selectors.discovery_feed(about=about, day=DAY)
    with translation.override("en"):
        english = selectors.discovery_feed(about=about, day=DAY)
    assert [p.item.key for p in french] == [p.item.key for p in english]
    assert [p.reason for p in french] != [p.reason for p in english]
