"""Distinctive words, counts and stated days: what clustering compares when outlets paraphrase."""

from __future__ import annotations

from exportwatch.stories.words import (
    counts,
    counts_differ,
    facts,
    fingerprint,
    fold,
    listed_counts,
    similarity,
    stated_days,
    union,
)


def test_a_count_in_words_and_in_digits_is_one_count() -> None:
    # Given two reports of the April 2021 supercomputing listings
    spelled = "U.S. adds seven Chinese supercomputing entities to economic blacklist"
    digits = "BIS adds 7 entities to the Entity List"
    # When / Then
    assert counts(spelled) == counts(digits) == {7}
    assert counts("Commerce adds thirty-three firms") == {33}


def test_two_companies_is_too_common_to_count() -> None:
    assert counts("US blacklists two Israeli companies") == set()


def test_counts_tolerate_rounding_but_not_another_list() -> None:
    assert not counts_differ({93}, {90})  # "more than 90" for 93
    assert counts_differ({24}, {38})
    assert not counts_differ(set(), {38})


def test_days_stated_in_the_text_are_read_against_the_publication_date() -> None:
    # Given a law-firm write-up two days after the action
    text = "BIS issued a final rule on December 2, 2024 that adds 140 entities."
    # Then the action's day is read; a far older date is not an event day of this report
    assert stated_days(text, "2024-12-04") == {"2024-12-02"}
    assert stated_days("The list was created on May 16, 2019.", "2024-12-04") == set()


def test_plural_and_singular_fold_together() -> None:
    assert fold("entities") == "entity" and fold("blacklists") == "blacklist" and fold("address") == "address"


def test_paraphrases_of_one_event_share_more_than_two_events_of_one_week() -> None:
    # Given two reports of the NSO listing (3 Nov 2021) and one of the quantum listings (24 Nov 2021)
    nso_a = fingerprint(
        "US Blacklists Israeli Hacking Groups. Israel's NSO Group and Candiru were added to the Commerce Department's "
        "trade blacklist over spyware turned against journalists.",
        "2021-11-03",
    )
    nso_b = fingerprint(
        "Commerce Department blacklists spyware company NSO Group. Israeli spyware makers NSO Group and Candiru "
        "were put on the entity list.",
        "2021-11-03",
    )
    quantum = fingerprint(
        "BIS Adds 27 to Entity List. Entities in China, Japan and Pakistan were added for quantum computing "
        "and military modernization.",
        "2021-11-24",
    )
    # When / Then
    assert similarity(nso_a, nso_b) > 0.3
    assert similarity(nso_a, quantum) < similarity(nso_a, nso_b) / 2


def test_a_story_fingerprint_keeps_counts_and_stays_bounded() -> None:
    # Given the fingerprints of many reports
    story = fingerprint("Commerce adds 77 entities including SMIC", "2020-12-18")
    for n in range(60):
        story = union(story, fingerprint(f"report{n} word{n} term{n} other{n}", "2020-12-19"))
    # Then the story stays bounded and still knows its count
    assert len(story) <= 120
    assert listed_counts(story) == {77}


def test_a_bare_title_shares_nothing_worth_counting() -> None:
    # Given a rule title with no abstract and a long story about another listing
    bare = fingerprint("Additions to the Entity List", "2024-06-24")
    story = fingerprint("Commerce adds Kaspersky affiliates in Russia to the Entity List", "2024-06-24")
    # Then the generic words alone do not make them one event
    assert similarity(bare, story) == 0.0


def test_rough_numbers_and_references_are_not_counts() -> None:
    # "more than 100" of the 140 listed in December 2024 would otherwise read as another list
    assert counts("BIS also added more than 100 entities to the Entity List, most of them Chinese") == set()
    assert counts("new foreign direct product rules and Footnote 5 Entity List designations") == set()
    assert counts("BIS added 140 entities") == {140}


def test_facts_keep_counts_and_days_without_words() -> None:
    # Given a report stating a count and a day
    print_ = fingerprint("On June 24, 2021, BIS added five Chinese solar companies in Xinjiang", "2021-06-25")
    # When
    kept = facts(print_)
    # Then its count and its day are kept, its words are not
    assert listed_counts(kept) == {5}
    assert 0 < len(kept) < len(print_)
    assert similarity(kept, fingerprint("Xinjiang solar companies", "2021-06-25")) == 0.0
