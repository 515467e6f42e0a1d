"""The daily digest: every story that changed yesterday, with the articles that never alerted.

Alerts go out once per story and material change; further reports of the same event are only
recorded. The digest is where a compliance officer sees them all, once a day, in one message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from exportwatch.alerts.render import EMAIL_MAX, LABEL_NAMES, SUBJECT_MAX, Alert, headline, sms_link, sms_with_link
from exportwatch.models import Story
from exportwatch.text import one_line, plain_text

_SOURCES_SHOWN = 12


def digest_day(today: date) -> str:
    """The day a digest sent on ``today`` covers (yesterday, UTC)."""
    return (today - timedelta(days=1)).isoformat()


def render_digest(stories: Iterable[Story], day: str) -> Alert | None:
    """One message summarizing the stories that changed on ``day``; None when nothing did.

    Stories a backfill of history wrote (and nothing changed materially since) are left out: a backfill
    is recorded, never announced, in the digest as in alerts.
    """
    stories = [story for story in stories if story.version > story.quiet_version]
    ranked = sorted(stories, key=lambda s: ({"high": 0, "medium": 1, "low": 2}.get(s.severity or "low", 3), s.story_id))
    if not ranked:
        return None
    lines = [f"exportwatch digest for {day}: {len(ranked)} stor{'y' if len(ranked) == 1 else 'ies'} changed.", ""]
    for story in ranked:
        labels = ", ".join(LABEL_NAMES.get(label, label) for label in story.labels)
        lines.append(f"* {headline(story)}")
        lines.append(
            f"  {(story.severity or 'low').capitalize()} · {labels} · "
            f"{'official' if story.official else 'not yet official'} · {len(story.sources)} source(s)"
        )
        for source in story.sources[:_SOURCES_SHOWN]:
            where = f" {source.url}" if source.url else ""
            lines.append(f"  - {one_line(source.title, max_chars=140) or source.id} ({source.published}){where}")
        if len(story.sources) > _SOURCES_SHOWN:
            lines.append(f"  - and {len(story.sources) - _SOURCES_SHOWN} more")
        lines.append("")
    link = sms_link(ranked[0])  # the SMS's one link: the most severe story's
    subject = one_line(f"exportwatch digest {day}: {len(ranked)} stories", max_chars=SUBJECT_MAX)
    # No labels and low severity: label- and severity-filtered subscriptions (the SMS one) skip the
    # digest; unfiltered ones, and filters on kind = digest, get it.
    return Alert(
        story_id=f"digest-{day}", version=1, kind="digest", subject=subject,
        email=plain_text("\n".join(lines), max_chars=EMAIL_MAX),
        sms=sms_with_link(f"exportwatch {day}: {len(ranked)} stories changed (digest by e-mail); top:", link),
        default=subject, labels=(), severity="low", entities=(), countries=(), official=False, link=link,
    )  # fmt: skip
