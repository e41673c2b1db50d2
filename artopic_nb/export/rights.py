"""Which works' pictures a static site may show: read from the rights statement a source kept.

A work's ``rights`` value (a IIIF ``rights`` URI or a version 2 ``license``, see
:mod:`artopic_nb.sources.iiif`, or any ``rights`` column) is read as one of:

- **allowed** (``True``): public domain and CC0 (``creativecommons.org/publicdomain/...``,
  "public domain", "CC0"), the Creative Commons licences BY and BY-SA (republishing with
  attribution, which the site shows), rightsstatements.org "No Copyright" (``NoC-US``,
  ``NoC-OKLR``) and "No Known Copyright" (``NKC``);
- **not allowed** (``False``): every other statement: "In Copyright" (``InC``, ``InC-EDU``,
  ``InC-NC`` ...), copyright not evaluated or undetermined (``CNE``, ``UND``), no-copyright
  statements with contractual or non-commercial limits (``NoC-CR``, ``NoC-NC``), the licences
  with NC or ND terms (a site does not know how it will be used), "all rights reserved", ©,
  and any statement this module cannot read (the cautious reading);
- **unknown** (``None``): no statement (an empty value, or no ``rights`` column at all, as for
  one's own photographs): the picture is shown, and the export counts these works.

``export_site(..., pictures="rights")`` draws the works not allowed as dots, with their record
and attribution; ``pictures="all"`` shows every picture (the user says they may), ``"none"``
none.

Example
-------
>>> may_republish("http://creativecommons.org/publicdomain/zero/1.0/")
True
>>> may_republish("https://creativecommons.org/licenses/by-nc/4.0/")
False
>>> may_republish("http://rightsstatements.org/vocab/InC/1.0/") is False, may_republish("")
(True, None)
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["PICTURE_POLICIES", "may_republish", "picture_mask"]

#: What ``pictures=`` accepts.
PICTURE_POLICIES = ("rights", "all", "none")

_CC_LICENCE = re.compile(r"creativecommons\.org/licenses/([a-z-]+)")
_RIGHTS_STATEMENT = re.compile(r"rightsstatements\.org/(?:vocab|page)/([a-z-]+)")
_ALLOWED_CC = {"by", "by-sa"}
_ALLOWED_STATEMENTS = {"noc-us", "noc-oklr", "nkc"}
_FREE_WORDS = re.compile(r"\b(public[ -]domain|cc0|cc[ -]zero|no known copyright)\b")
_CC_WORDS = re.compile(r"\bcc[ -]?(by(?:[ -]sa)?)(?:[ -]\d(?:\.\d)?)?\b")


def may_republish(rights: Any) -> bool | None:
    """Whether a rights statement allows republishing a work's picture: ``True``, ``False``,
    or ``None`` when there is no statement (see the module docstring for the reading).

    >>> may_republish("CC BY-SA 4.0"), may_republish("© The artist"), may_republish(None)
    (True, False, None)
    """
    if rights is None or (isinstance(rights, float) and np.isnan(rights)):
        return None
    text = str(rights).strip().lower()
    if not text or text in ("nan", "none"):
        return None
    if "creativecommons.org/publicdomain/" in text:
        return True
    m = _CC_LICENCE.search(text)
    if m:
        return m.group(1).strip("-") in _ALLOWED_CC
    m = _RIGHTS_STATEMENT.search(text)
    if m:
        return m.group(1).strip("-") in _ALLOWED_STATEMENTS
    if re.search(r"\b(nc|nd|non-?commercial|no ?derivatives?)\b", text):
        return False
    if _FREE_WORDS.search(text):
        return True
    m = _CC_WORDS.search(text)
    return bool(m) and m.group(1).replace(" ", "-") in _ALLOWED_CC


def picture_mask(metadata: pd.DataFrame | None, n: int, pictures: str = "rights"
                 ) -> tuple[np.ndarray, dict[str, int]]:
    """Which of works ``0 .. n-1`` may be shown as pictures under policy ``pictures``, and the
    counts behind it: ``{"allowed", "restricted", "unknown"}`` (restricted: works whose
    statement does not allow it, drawn as dots under ``"rights"``).

    >>> meta = pd.DataFrame({"rights": ["CC0", "In Copyright", ""]})
    >>> mask, counts = picture_mask(meta, 3)
    >>> mask.tolist(), counts
    ([True, False, True], {'allowed': 1, 'restricted': 1, 'unknown': 1})
    """
    if pictures not in PICTURE_POLICIES:
        raise ValueError(f"pictures must be one of {PICTURE_POLICIES}, not {pictures!r}")
    if metadata is not None and "rights" in metadata.columns:
        values = metadata["rights"].reindex(range(n))
        verdicts = [may_republish(v) for v in values]
    else:
        verdicts = [None] * n
    counts = {"allowed": sum(v is True for v in verdicts),
              "restricted": sum(v is False for v in verdicts),
              "unknown": sum(v is None for v in verdicts)}
    if pictures == "all":
        return np.ones(n, bool), counts
    if pictures == "none":
        return np.zeros(n, bool), counts
    return np.array([v is not False for v in verdicts], dtype=bool), counts
