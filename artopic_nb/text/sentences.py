"""Sentences and atomic claims, by rule: what a summary says, one property at a time.

Atomic claims (:func:`split_claims`): a rule-based splitter. A sentence is cut into clauses at ", and", ", but", "while", "whereas"; a clause with a
comma list ("These works share warm tones, dark backgrounds and soft light") becomes one
claim per item, each item prefixed by the words up to the clause's verb ("These works
share dark backgrounds"), and a list with no verb before it stays whole; " and " without a
comma splits only when the words before it contain such a verb ("They show saints and
angels" stays whole; "They share dark backgrounds and soft light" splits). Sentences end at
``.!?`` before a capital, digit or quote (not after "St.", "c." or an initial) and at ``;``.
Known limit: an adjective list after a verb ("share warm, earthy tones") is split too.
"""

from __future__ import annotations

import re

__all__ = ["claim_core", "claim_statement", "split_claims", "split_sentences"]

_VERBS = frozenset("""share shares show shows feature features depict depicts have has use uses
are is include includes display displays contain contains portray portrays present presents
combine combines emphasise emphasises emphasize emphasizes employ employs""".split())
_CLAUSE = re.compile(r",\s+(?:and|but|while|whereas)\s+|\s+(?:while|whereas)\s+|,\s+but\s+",
                     re.IGNORECASE)


# -- atomic claims ---------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=;)\s+|(?<=[.!?])\s+(?=[A-Z0-9\"'(‘“])")
# "These works all share ...", "The paintings in this group feature ...": the subject of a
# summary sentence, which says nothing about a single work.
_COLLECTIVE = re.compile(
    r"^(?:(?:all|most|many|both|several)\s+(?:of\s+)?)?(?:the|these|this|those)?\s*"
    r"(?:artworks?|works?|paintings?|images?|pictures?|pieces?|group|cluster)"
    r"(?:\s+in\s+(?:this|the)\s+(?:group|cluster))?\s+(?:all\s+|mostly\s+|often\s+|each\s+)?"
    r"(?:share|shares|show|shows|feature|features|depict|depicts|have|has|use|uses|are|is|"
    r"include|includes|display|displays|contain|contains|portray|portrays)\s+",
    re.IGNORECASE)


_ABBREVIATIONS = frozenset("st sts mr mrs ms dr c ca fl fig figs no vol pp cf e.g i.e etc".split())


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: split after ``;``, and after ``.``, ``!`` or ``?`` followed by a
    space and a capital letter, digit or quote, unless the word before is a known
    abbreviation or an initial ("St. John", "c. 1500", "J. M. W. Turner" stay whole)."""
    text = " ".join(str(text).split())
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        before = text[start:m.start()].rstrip()
        word = before.rsplit(" ", 1)[-1].rstrip(".!?;").lower() if before else ""
        if before.endswith(".") and (word in _ABBREVIATIONS or len(word) == 1):
            continue
        out.append(text[start:m.start()])
        start = m.end()
    out.append(text[start:])
    return [p.strip() for p in out if p.strip()]


def claim_core(claim: str) -> str:
    """The claim without its collective subject ("These works share warm tones" -> "warm
    tones") and final punctuation: what one work's description would say."""
    core = _COLLECTIVE.sub("", str(claim).strip()).strip().rstrip(".!;:")
    return core or str(claim).strip()


def claim_statement(claim: str) -> str:
    """The claim as a statement about one artwork, for entailment and yes/no questions:
    ``"red dress"`` -> ``"The artwork shows red dress."``; sentences stay as written."""
    core = claim_core(claim)
    if core != str(claim).strip().rstrip(".!;:") or len(core.split()) <= 3:
        return f"The artwork shows {core}."
    return core if core.endswith(".") else f"{core}."



def _verb_prefix(words: list[str]) -> list[str] | None:
    for k, w in enumerate(words):
        if w.lower().strip(",") in _VERBS:
            return words[:k + 1]
    return None


def _split_clause(clause: str) -> list[str]:
    clause = clause.strip().rstrip(".!?;:").strip()
    if "," in clause:
        parts = re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+(?=[^,]*$)", clause)
    else:
        left, sep, right = clause.partition(" and ")
        parts = [left, right] if sep and _verb_prefix(left.split()) and len(right.split()) >= 2 \
            else [clause]
    parts = [p.strip() for p in parts if p and p.strip()]
    prefix = _verb_prefix(parts[0].split())
    if len(parts) < 2 or prefix is None:  # a list with no verb before it stays one claim
        return [clause] if parts else []
    out = [parts[0]]
    for p in parts[1:]:
        has_verb = _verb_prefix(p.split()) is not None
        out.append(p if has_verb else " ".join([*prefix, p]))
    return out


def split_claims(text: str) -> list[tuple[str, str]]:
    """Atomic claims of ``text`` as (claim, the sentence it comes from); see the module doc."""
    out = []
    for sentence in split_sentences(text):
        for clause in _CLAUSE.split(sentence):
            for claim in _split_clause(clause):
                claim = re.sub(r"^(?:and|but|or|also)\s+", "", claim, flags=re.IGNORECASE)
                if len(claim.split()) >= 1 and re.search(r"[^\W\d_]", claim):
                    out.append((claim, sentence))
    return out


