"""Clustering measured on real multi-source events, through the code ingestion runs, held as floors.

Seven sets: the stories fixture and its training extension (tests/fixtures/stories), three check sets of
unseen news used to choose mechanisms (dev_check.jsonl, dev_check2.jsonl, dev_check3.jsonl), a fourth never
tuned on (dev_check4.jsonl), and a held-out set frozen before any clustering change
(tests/fixtures/heldout/stories.jsonl) that no rule is tuned on.
Reproduce: ``exportwatch cluster-eval FILE`` (``make eval`` prints both).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exportwatch.models import Item
from exportwatch_cli.evaluate import alert_scores, cluster_by_ingestion, ingested, pairwise_scores, story_errors
from tests.helpers import FIXTURES, read_jsonl

# Measured on the single clustering path (ingestion into memory); wrong joins stay rare first.
# events.jsonl 1.000/0.781, train_extra.jsonl 0.944/0.540 (both tuned on); heldout 0.966/0.466 (never tuned on).
FLOORS = {
    # With the trained relevance gate (issue 9) fewer fixture items are relevant: recall 0.781 -> 0.695.
    # Issue 14 (counts, actions, list actions on words alone, the one bare rule): 1.000 / 0.898.
    # Stated days, unknown names in both leads, parties named across: 1.000 / 0.910.
    # Unlabelled reports of one event in one silent story: 1.000 / 0.926 (also with the table left out).
    # A join that could hide an action uses only the proven rules (the wider ones gather unlabelled followers
    # and silent stories only): 1.000 / 0.914. Unlabelled news naming a party gathers silently too: 1.000 / 0.918.
    # A silent story gathers more readily (any unlabelled news joins one; its party and no other on fewer words; a
    # week on with most of its words): 1.000 / 0.926. A poll's plainer reports first (so one bringing a label meets
    # their story as its update): 1.000 / 0.938 (SMIC and DJI's reports of one list in one story).
    # After the copy audit (ledes rewritten further from their pages, the classifier retrained): 1.000 / 0.934; with the
    # training ledes' shape restored (the actor first, active voice): 1.000 / 0.918.
    FIXTURES / "stories" / "events.jsonl": (1.0, 0.91),
    # After retraining with news_wider.jsonl: 0.925 / 0.597 (6 wrong pairs of 80; 4 before).
    # Issue 14: 1.000 / 0.685; 28 of the 39 pairs missed have an item the classifier leaves unlabelled.
    # Retrained on 598 more ledes: 1.000 / 0.605; 38 of the 49 pairs missed have an item left unlabelled, most of
    # them rightly (the Pentagon's 1260H list, FCC and OFAC actions, China's gallium ban: stories of this set
    # that are not US export-control actions, whose pairs count as missed since such items join no story).
    # Stated days, unknown names in both leads, parties named across: 1.000 / 0.750 (28 of 31 missed unlabelled).
    # Unlabelled reports of one event in one silent story: 1.000 / 0.879; with sanctions reports too: 0.935.
    # Retrained classifier (more of this set unlabelled): 0.637 before these changes; with the first labelled
    # report joining the silent story of earlier ones, and followers stating the action's day: 0.903.
    # Merged with main's classifier retrained on 598 more ledes: 1.000 / 0.903 (events.jsonl 1.000 / 0.926).
    # A join that could hide an action uses only the proven rules: 1.000 / 0.855 (stated parties merged in).
    # Unlabelled news naming a party gathers silently too: 1.000 / 0.863. Labelled write-ups of news alone within
    # two weeks (by count, or party and day), names given as context left out, recurring licence holders known,
    # classifier retrained on 257 more ledes: 1.000 / 0.944. The two-week join of write-ups of news alone reverted (on
    # the held-out stories it joined only different actions): 1.000 / 0.919; classifier with log-count ratios: 0.887.
    # A lead the story's words name, with its specifics, is one party (a follower leading with Daqo and GCL beside
    # the report of five listed companies led with XPCC): 1.000 / 0.903. Classifier retrained with two more files of
    # ledes (news_licence_parties.jsonl, news_entity_parties.jsonl): 1.000 / 0.887.
    FIXTURES / "stories" / "train_extra.jsonl": (1.0, 0.88),
    # A check set, used to choose mechanisms, not items (never fit a threshold or word to it): main 0.642 / 0.297,
    # the stories branch 0.724 / 0.506 (50 wrong pairs). A party a counted list's reports never name is another
    # list, a licence for a listed party is another action than its listing, and no join on headlines alone:
    # 0.897 / 0.502 (15 wrong pairs; 12 of them two Google reports following Huawei's listing as reactions).
    # A reaction follows within days of the action's first report, not of its latest write-up: 0.977 / 0.494
    # (3 wrong pairs: an unlabelled report in a silent story, and Nvidia's H200 approval beside its review).
    # A join that could hide an action uses only the proven rules: 0.974 / 0.440 (the same 3 wrong pairs, of
    # a silent story and of the proven rules; 14 right pairs fewer: write-ups weeks on, five listed, a list's
    # other parties). Unlabelled news naming a party gathers silently too (the Pentagon's lists, FCC and
    # antitrust reports): 0.982 / 0.641, the same 3 wrong pairs. Names given as context left out of the parties
    # ("joining ... including Huawei", "AMD's partner Higon"): 0.983 / 0.679; labelled write-ups of news alone
    # within two weeks: 0.984 / 0.718; classifier retrained on 257 more ledes: 0.984 / 0.710. Unlabelled reports of a
    # revocation or a list gather silently too: 0.984 / 0.726; a silent story gathers unnamed reports on the words
    # a named one needs: 0.985 / 0.753; the two-week join of write-ups of news alone reverted: 0.984 / 0.714;
    # classifier with log-count ratios: 0.985 / 0.776. A silent story gathers more readily (any unlabelled news
    # joins one; its party and no other on fewer words; a week on with most of its words): 0.986 / 0.826; classifier
    # retrained with news_removals.jsonl: 0.986 / 0.811. An unlabelled report naming a story's party and stating
    # its action follows it in any words ("New rules curb chip sales"): 0.986 / 0.826; a lead the story's words
    # name, with its specifics, is one party (the Pentagon list's CNOOC beside SMIC): 0.986 / 0.838. A report
    # bringing a label its story lacks joins as an update that alerts, the same large count up to the rule lag (the
    # 140 listings' rules): 0.987 / 0.857; one naming no party follows if its lead speaks of exports ("Biden turns a
    # few more screws"): 0.987 / 0.876; a silent story's early reports follow once it alerts: 0.987 / 0.884. With the
    # classifier retrained on two more files of ledes, merged: 0.987 / 0.861 (the retraining alone: 0.986 / 0.834);
    # retrained on four more: 0.987 / 0.880.
    # Its ledes rewritten further from their pages, the classifier retrained on rewritten training ledes: 0.963 / 0.811,
    # 8 wrong pairs (a Google report now read as a licence extension joins Huawei's temporary licence; Nvidia's H200
    # approval and its review days later). With the training ledes' shape restored: 0.959 / 0.811, 9 wrong pairs; with
    # its own ledes' shape restored too: 0.991 / 0.834, 2 wrong pairs.
    FIXTURES / "stories" / "dev_check.jsonl": (0.95, 0.81),
    # A second check set, used to choose mechanisms, not items: main 1.000 / 0.283; with the wider rules only
    # where no action can be hidden: 1.000 / 0.746; unlabelled news naming a party gathers silently: 1.000 / 0.757;
    # 1.000 / 0.792 as merged. Chooses mechanisms since dev_check3 came: 1.000 / 0.786 with its changes; a
    # described thing ("European-made engines") is no party: 0.821; reports of a revocation or a list gather
    # silently: 1.000 / 0.873; a silent story gathers unnamed reports on the words a named one needs: 1.000 / 0.896.
    # A silent story gathers more readily (any unlabelled news joins one; its party and no other on fewer words; a
    # week on with most of its words): 1.000 / 0.942; classifier retrained with news_removals.jsonl: 1.000 / 0.931.
    # An unlabelled report naming a story's party and stating its action follows it in any words (the TSMC order's
    # reports; "curb" and "halt" as licence verbs): 1.000 / 0.971. Days a report states ahead ("from September 15")
    # are facts of its event as days past are (China's antimony controls): 1.000 / 0.988. With the classifier
    # retrained on two more files of ledes, merged: 1.000 / 0.960 (the retraining alone: 1.000 / 0.942); retrained
    # on two more (actions in other words, second hand): 1.000 / 0.988; on two more (reactions, rare labels): 0.971.
    # Its ledes rewritten further from their pages, the classifier retrained: 1.000 / 0.988; with the training ledes'
    # shape restored: 1.000 / 0.925; with its own ledes' shape restored too: 1.000 / 0.965.
    FIXTURES / "stories" / "dev_check2.jsonl": (1.0, 0.92),
    # The third check set, never tuned on: 1.000 / 0.660 on main before this session's changes; with them (the
    # write-ups of news alone, names given as context, the retrained classifier): 1.000 / 0.699; with silent stories
    # of revocations and lists, and their unnamed reports on fewer words: 1.000 / 0.719; the two-week join of
    # write-ups of news alone reverted: 1.000 / 0.706; classifier with log-count ratios: 1.000 / 0.693. A silent story
    # gathers more readily (measured once, at the end): 1.000 / 0.712; classifier retrained with news_removals.jsonl:
    # 1.000 / 0.726. Followers naming a story's party in any words, and leads the story names (measured once, at
    # the end): 1.000 / 0.726, unchanged. With the party reading of parties2 (measured once): 1.000 / 0.739.
    # The update join, the lead's words of exports, a silent story's early reports following, days stated ahead
    # (measured once, at the end): 1.000 / 0.739, unchanged. The classifier retrained with two more files of ledes
    # (measured once): 0.974 / 0.739, 3 wrong pairs; both merged: 0.974 / 0.745. Retrained on two more files of ledes
    # (actions in other words, second hand; measured once): 1.000 / 0.739; on two more (reactions, rare labels;
    # measured once): 1.000 / 0.719. Its misses looked at since (it chooses mechanisms now, as the first two do): a
    # pronoun opening a lead read as a party ("They were listed ...": no pair changed), a count in a hyphenated phrase
    # ("seven China-related entities") unread: 1.000 / 0.732; one licence action read as a decision by one outlet and a
    # policy by another joins as an update that alerts: 1.000 / 0.752. A count told country by country summed, and
    # "11 additions" or "29 entries" read as counts: 1.000 / 0.758 (dev_check.jsonl 0.987 / 0.884).
    # Its ledes rewritten further from their pages, the classifier retrained on rewritten training ledes: 1.000 / 0.726
    # (the same with the training ledes' shape restored); with its own ledes' shape restored too: 1.000 / 0.693.
    FIXTURES / "stories" / "dev_check3.jsonl": (1.0, 0.69),
    # The fourth check set, built after the third was read, never tuned on: 1.000 / 0.722 as written, measured once
    # with the counts told by country; 1.000 / 0.698 after 72 of its ledes were rewritten further from their pages.
    # With the classifier retrained on the rewritten training ledes (and 12 of its ledes with no stored page rewritten
    # blind): 1.000 / 0.704; with the training ledes' shape restored: 1.000 / 0.716.
    FIXTURES / "stories" / "dev_check4.jsonl": (1.0, 0.70),
    # Measured with the gazetteer and the trained classifier merged in: 0.971 / 0.559 (never tuned on).
    # After retraining with news_wider.jsonl (no clustering change): 0.962 / 0.554, 8 wrong pairs instead of 6.
    # Issue 14's changes, made on the training sets only, measured here once: 0.977 / 0.587 (5 wrong pairs).
    # Classifier retrained on 598 more ledes: 0.970 / 0.628. Wider joins (stories2, chosen on the tuned sets and
    # one check set): 0.909 / 0.686, not kept. The wider joins only where no action can be hidden (stories3):
    # 0.996 / 0.672; with the classifier's new method and party reading merged in: 0.996 / 0.650 (1 wrong pair).
    # This session's changes, measured once at the end: 0.965 / 0.683. Measured then once per commit to find the
    # wrong pairs: the two-week join of write-ups of news alone brought 8 and no right pair, and was reverted;
    # a classifier retrained on two more files brought 4, and was not kept (they became a check set). As shipped:
    # 0.996 / 0.680; with the classifier's log-count ratios, measured once: 0.996 / 0.683. Silent stories gathering
    # more readily and the classifier retrained with news_removals.jsonl, measured once together: 0.996 / 0.708. With
    # the second round of follow rules and the party reading of parties2, measured once together: 0.996 / 0.722.
    # Classifier retrained with two more files of ledes, measured once: 0.996 / 0.703; with the update join, the
    # lead's words of exports, a silent story's early reports following and days stated ahead: 0.996 / 0.703.
    # Classifier retrained on two more files (actions in other words, second hand), measured once: 0.996 / 0.733;
    # on two more (reactions beyond the US and China, the rarest labels), measured once: 0.996 / 0.722. The
    # pronoun, hyphenated count and licence-kind update (chosen on dev_check3), measured once: 0.996 / 0.722. A
    # labelled write-up joining a story of news alone weeks on, on most of its words: 0.968, 9 wrong pairs (and
    # four join tests failed); not kept. Counts told by country summed, additions and entries counted (chosen on
    # dev_check3), measured once: 0.996 / 0.722, unchanged.
    # Every lede of the set rewritten further from its page (copyright), and the classifier retrained on the rewritten
    # training ledes, measured once: 0.977 / 0.714, 6 wrong pairs; with the training ledes' shape restored (the actor
    # first, active voice; measured once): 0.989 / 0.711, 3 wrong pairs; with its own ledes' shape restored too
    # (by reviewers who reported only counts; measured once): 0.989 / 0.733.
    FIXTURES / "heldout" / "stories.jsonl": (0.97, 0.71),
}


@pytest.mark.parametrize(("path", "floors"), FLOORS.items(), ids=lambda v: v.parent.name if isinstance(v, Path) else "")
def test_pairwise_precision_and_recall_meet_the_floors(path: Path, floors: tuple[float, float]) -> None:
    # Given real events reported by several outlets
    records = read_jsonl(path)
    assert len(records) >= 80 and len({r["story"] for r in records}) >= 25
    items = [Item.from_json(r) for r in records]
    # When
    scores = pairwise_scores(cluster_by_ingestion(items), [r["story"] for r in records])
    # Then
    assert scores["precision"] >= floors[0], scores
    assert scores["recall"] >= floors[1], scores


def test_pairwise_scores_count_pairs() -> None:
    # Given gold {a,b,c} {d} and a prediction that splits c off and joins d to a
    scores = pairwise_scores(["x", "x", "y", "x"], ["g", "g", "g", "h"])
    # Then: pairs ab right; ac, bc missed; ad, bd wrongly joined
    assert (scores["pairs_tp"], scores["pairs_fn"], scores["pairs_fp"]) == (1, 2, 2)


def test_missed_pairs_with_an_item_that_joined_no_story_are_counted_apart() -> None:
    # Given gold {a,b,c}, where c joined no story (unlabelled) and a, b share one
    scores = pairwise_scores(["x", "x", "c"], ["g", "g", "g"], unclustered=[False, False, True])
    # Then both missed pairs are the classifier's
    assert (scores["pairs_fn"], scores["pairs_fn_unclustered"]) == (2, 2)
    assert pairwise_scores(["x", "y"], ["g", "g"])["pairs_fn_unclustered"] == 0


def test_alert_scores_count_what_a_subscriber_receives_by_event() -> None:
    # Given gold events g (labelled, split over two stories that alert), h (labelled, in one silent story: never
    # alerted), k (unlabelled, its story alerted) and m (labelled, one story)
    predicted = ["x", "y", "y", "s", "z", "w", "w"]
    gold = ["g", "g", "g", "h", "k", "m", "m"]
    labelled = [True, False, True, True, False, True, True]
    # When x, y, z and w alerted and s stayed silent
    scores = alert_scores(predicted, gold, labelled, {"x", "y", "z", "w", "elsewhere"})
    # Then g alerted twice (one extra alert), h never, m once; k is an alert for no labelled event
    assert scores == {
        "events_labelled": 3, "events_alerted_once": 1, "events_alerted_more": 1, "events_never_alerted": 1,
        "extra_alerts": 1, "events_unlabelled_alerted": 1, "alerts": 4, "extra_alerts_flagged": 0, "wrong_flags": 0,
    }  # fmt: skip
    # And when y's alert named x as one it may repeat (its own event's), and w's named z (another event's)
    flagged = alert_scores(predicted, gold, labelled, {"x", "y", "z", "w"}, {"y": {"x"}, "w": {"z"}, "s": {"x"}})
    # Then one extra alert was flagged rightly and one alert wrongly; the silent story's flag is no alert's
    assert (flagged["extra_alerts_flagged"], flagged["wrong_flags"]) == (1, 1)


def test_the_stories_that_alerted_are_those_that_carry_labels() -> None:
    # Given the three seeds (one labelled event) and an unrelated irrelevant item
    seeds = [Item.from_json(r) for r in read_jsonl(FIXTURES / "corpus" / "seeds.jsonl")]
    other = Item(id="x", title="Huawei launches a new phone", published="2019-11-21")
    # When ingested
    story_of, alerting, _repeats = ingested([*seeds, other])
    # Then the seeds' one story alerted; the phone's silent story did not
    assert alerting == {story_of[seeds[0].id]} and story_of["x"] not in alerting


def test_clustering_runs_the_ingestion_path() -> None:
    # Given the three seeds and an unrelated irrelevant item
    seeds = [Item.from_json(r) for r in read_jsonl(FIXTURES / "corpus" / "seeds.jsonl")]
    other = Item(id="x", title="Huawei launches a new phone", published="2019-11-21")
    # When
    ids = cluster_by_ingestion([*seeds, other])
    # Then the seeds share one story, and the irrelevant item stands alone as it would in production
    assert len(set(ids[:3])) == 1 and ids[3] not in ids[:3]


def test_story_errors_list_the_gold_stories_split_and_the_stories_wrongly_joined() -> None:
    # Given gold {a,b,c} {d} and a prediction that splits c off and joins d to a, b
    errors = story_errors(["x", "x", "y", "x"], ["g", "g", "g", "h"], ["a", "b", "c", "d"])
    # Then g is split (a, b apart from c), and x holds g's a, b with h's d
    assert errors == {"split": [[["a", "b"], ["c"]]], "joined": [[["a", "b"], ["d"]]]}
