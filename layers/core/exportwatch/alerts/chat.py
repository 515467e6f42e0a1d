"""Alerts for team chat: Slack and Microsoft Teams channels through Amazon Q Developer in chat applications.

Amazon Q Developer in chat applications (formerly AWS Chatbot) posts an SNS message to a channel
when the message is a *custom notification*: ``{"version": "1.0", "source": "custom", "content":
{"textType", "title", "description", "nextSteps", "keywords"}, "metadata": {...}}``. Anything else
it ignores. Its subscription to a topic is an ``https`` one, so on the alerts topic it would get
the JSON story that HTTPS subscribers rely on, whose own ``version`` key (the story's version, a
number) clashes with the ``"1.0"`` the format requires. Chat therefore gets its own topic, with
this body only (docs/architecture.md, README "Subscribe"); everyone else's messages are unchanged.
"""

from __future__ import annotations

import json
import re
from typing import Any

from exportwatch.alerts.render import LABEL_NAMES, Alert
from exportwatch.countries import name_of
from exportwatch.text import one_line

TITLE_MAX = 250
DESCRIPTION_MAX = 3000  # a Slack section shows at most 3,000 characters
PARTIES_SHOWN = 10
# Text from feeds must not become chat markup: no links or mentions of its own (<!channel>, @here).
_MARKUP = str.maketrans({"<": "‹", ">": "›", "*": "∗", "`": "'"})
_MENTION = re.compile(r"@(?=\w)")


def _safe(text: str, max_chars: int) -> str:
    return _MENTION.sub("@\u200b", one_line(text, max_chars=max_chars).translate(_MARKUP))


def _description(alert: Alert) -> str:
    if alert.kind == "digest":  # the digest's own lines: one per story, with its sources
        return "\n".join(_safe(line, 300) for line in alert.email.splitlines() if line.strip())
    lines = [f"*Severity:* {alert.severity}" + (" · official" if alert.official else " · not yet official")]
    if alert.labels:
        lines.append("*What:* " + ", ".join(LABEL_NAMES.get(label, label) for label in alert.labels))
    if alert.entities:
        more = len(alert.entities) - PARTIES_SHOWN
        shown = ", ".join(_safe(name, 80) for name in alert.entities[:PARTIES_SHOWN])
        lines.append(f"*Parties:* {shown}" + (f" and {more} more" if more > 0 else ""))
    if alert.countries:
        lines.append("*Countries:* " + ", ".join(name_of(code) for code in alert.countries))
    if alert.entries_total:
        lines.append(f"*Entries named by the rule:* {alert.entries_total} (every one in the e-mail and JSON alert)")
    return "\n".join(lines)


def chat_notification(alert: Alert) -> dict[str, Any]:
    """The custom notification for one alert: title, description, the link, and keywords to search by."""
    link = f"\n{alert.link}" if alert.link else ""
    description = _description(alert)
    if len(description) + len(link) > DESCRIPTION_MAX:  # cut the text, never the link
        description = description[: DESCRIPTION_MAX - len(link) - 4].rstrip() + " ..."
    description += link
    keywords = [
        *(LABEL_NAMES.get(label, label) for label in alert.labels),
        alert.severity,
        *alert.countries,
        alert.kind,
    ]
    return {
        "version": "1.0",
        "source": "custom",
        "id": alert.dedup_key,
        "content": {
            "textType": "client-markdown",
            "title": _safe(alert.subject, TITLE_MAX),
            "description": description,
            "nextSteps": [f"Read the source: {alert.link}"] if alert.link else [],
            "keywords": list(dict.fromkeys(keywords)),
        },
        "metadata": {
            "threadId": alert.story_id,  # an update or reminder follows the story's first alert in one thread
            "summary": _safe(alert.subject, TITLE_MAX),
            "eventType": f"exportwatch.{alert.kind}",
            "additionalContext": {"story_id": alert.story_id, "version": str(alert.version)},
        },
    }


def chat_message(alert: Alert) -> str:
    """The ``Message`` published to the chat topic."""
    return json.dumps(chat_notification(alert), ensure_ascii=False)
