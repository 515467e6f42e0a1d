"""Public-inspection documents withdrawn before publication, told from the API's public-inspection list.

When an agency withdraws a document that is on public inspection, the Office of the Federal Register
keeps it on the list, under the same document number, until the day it was to be published, with an
editorial note saying so; its ``filed_at`` and ``publication_date`` become null. A real one:
https://www.federalregister.gov/api/v1/public-inspection-documents/2017-00854.json ("APHIS requested the
withdrawal of this document after it was on public inspection. It will remain on public inspection until
the close of business on January 24. ..."). The note is the signal: a null date alone also marks other
states, and an absence from the list also follows a normal publication.
"""

from __future__ import annotations

import re
from typing import Any

_WITHDRAWN = re.compile(r"\bwithdr(?:aw|awn|awal|ew)\b", re.IGNORECASE)


def is_withdrawn(doc: dict[str, Any]) -> bool:
    """Whether a public-inspection document's editorial note says it was withdrawn from publication."""
    note = str(doc.get("editorial_note") or "")
    return bool(_WITHDRAWN.search(note))
