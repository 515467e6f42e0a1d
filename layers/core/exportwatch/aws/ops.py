"""The operations topic: plain messages for whoever runs the stack (a source gone silent, and back).

The topic's subscribers are operators (``OpsEmail``), not alert subscribers: one plain-text body, no
attributes. It is the topic the alarms use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exportwatch.sources.silence import Notify

SUBJECT_MAX = 99  # SNS takes at most 100 printable ASCII characters, on one line


def ops_topic(sns: Callable[[], Any], topic_arn: str) -> Notify | None:
    """A function that publishes ``(subject, message)`` to the operations topic; None when none is configured.

    ``sns`` gives the client (``aws.clients.sns``): it is made only when a message goes, which is rare.
    """
    if not topic_arn:
        return None

    def notify(subject: str, message: str) -> None:
        ascii_subject = "".join(c if " " <= c <= "~" else "?" for c in subject)[:SUBJECT_MAX]
        sns().publish(TopicArn=topic_arn, Subject=ascii_subject, Message=message)

    return notify
