"""``exportwatch preview``: what the sample subscribers would have received from the real sources.

The real handlers run on moto, in memory, with no AWS account: the Federal Register pollers ask
the real API for the last N days (and today's public inspection list), the feed poller reads the
feeds given, and the stream is delivered to ``notify`` as in the demo. Nothing is written
anywhere but in memory. The API's base URL is configurable, which is how the tests point it at a
loopback server replaying recorded API responses (loopback stays opt-in, as everywhere).
"""

from __future__ import annotations

import os
import sys
import urllib.parse
from collections.abc import Callable, Sequence
from typing import IO, Any

from exportwatch_cli.demo import local_stack, write_inbox

FEDERAL_REGISTER_BASE = "https://www.federalregister.gov/api/v1"
UNREACHABLE = frozenset({"connection", "timeout", "blocked_url"})


class PreviewError(Exception):
    """The real sources could not be reached: one line, naming the host."""


def progress(err: IO[str]) -> Callable[[int, int, str], None]:
    """A progress bar on a terminal, one line per step otherwise."""

    def show(step: int, steps: int, what: str) -> None:
        width = 24
        done = width * step // steps
        line = f"[{'#' * done}{'.' * (width - done)}] {step}/{steps} {what}"
        if err.isatty():
            err.write("\r" + line.ljust(78) + ("\n" if step == steps else ""))
        else:
            err.write(line + "\n")
        err.flush()

    return show


def api_base(base: str = "") -> str:
    """The API base URL: the one given, else ``EXPORTWATCH_FEDERAL_REGISTER_BASE``, else the real one."""
    return (base or os.environ.get("EXPORTWATCH_FEDERAL_REGISTER_BASE") or FEDERAL_REGISTER_BASE).rstrip("/")


def _unreachable(report: dict[str, Any], hosts: dict[str, str]) -> list[str]:
    """Hosts of the sources that failed because they could not be reached."""
    return [
        hosts.get(source["source"], source["source"])
        for source in report["sources"]
        if source["status"] == "failed" and source["reason"] in UNREACHABLE
    ]


def run_preview(
    *,
    days: int = 30,
    feeds: Sequence[str] = (),
    base: str = "",
    as_json: bool = False,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> int:
    """Poll the real sources for the last ``days`` days and print what each sample subscriber got.

    Raises
    ------
    PreviewError
        The Federal Register API (or every feed given) could not be reached.
    """
    out, err = out or sys.stdout, err or sys.stderr
    base = api_base(base)
    register_host = urllib.parse.urlsplit(base).hostname or base
    hosts = {
        "federal_register:documents": register_host,
        "federal_register:public_inspection": register_host,
        **{url: urllib.parse.urlsplit(url).hostname or url for url in feeds},
    }
    env = {
        "FEDERAL_REGISTER_BASE": base,
        "FEED_URLS": ",".join(feeds),
        "LOOKBACK_DAYS": str(days),
        "MAX_ITEM_AGE_DAYS": str(days + 1),  # what a fresh deployment would alert on: the window, no older
        # Real sources only, unless the caller opened the loopback door (tests replaying recordings).
        "EXPORTWATCH_ALLOW_LOOPBACK": "1" if os.environ.get("EXPORTWATCH_ALLOW_LOOPBACK") == "1" else "",
    }
    show = progress(err)
    with local_stack(routes={}, extra_env=env) as stack:
        show(0, 4, f"polling {len(feeds)} feed(s)")
        polled = {"feeds": stack.handlers["poll_feeds"].lambda_handler({}, stack.context)}
        show(1, 4, f"polling the Federal Register at {register_host} ({days} days)")
        polled["federal_register"] = stack.handlers["poll_federal_register"].lambda_handler({}, stack.context)
        down = _unreachable(polled["federal_register"], hosts)
        if down:
            raise PreviewError(f"cannot reach {down[0]}: check the network (or --base)")
        if feeds and len(_unreachable(polled["feeds"], hosts)) == len(feeds):
            raise PreviewError(f"cannot reach {_unreachable(polled['feeds'], hosts)[0]}: check the network")
        show(2, 4, "delivering the stream to notify")
        for event in stack.reader.events():
            stack.handlers["notify"].lambda_handler(event, stack.context)
        show(3, 4, "reading what each subscriber received")
        inbox = stack.inbox()
        show(4, 4, "done")
    if not as_json:
        stored = polled["feeds"]["stored"] + polled["federal_register"]["stored"]
        created = len(polled["feeds"]["stories_created"]) + len(polled["federal_register"]["stories_created"])
        failed = [
            f"{hosts.get(s['source'], s['source'])} ({s['reason']})"
            for poll in polled.values()
            for s in poll["sources"]
            if s["status"] == "failed"
        ]
        out.write(
            f"exportwatch preview: the last {days} days from {register_host}"
            + (f" and {len(feeds)} feed(s)" if feeds else "")
            + f", on moto in memory\n  {stored} relevant item(s) in {created} stor(y/ies)"
            + (f"; failed: {', '.join(failed)}" if failed else "")
            + "\n"
        )
    write_inbox(out, inbox, as_json=as_json)
    return 0
