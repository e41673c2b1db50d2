"""The catalogue grammar of one date string (private: the public functions and the rules in
words are in :mod:`artopic_nb.data.dates`).

A string that is not EDTF or ISO 8601 is read as a catalogue writes it: split at commas (a
part without a year is a place or a note, and a later part that starts with ``reprinted``,
``cast`` ... describes a later state, not the work), each part stripped of its qualifiers
(``ca.``, ``probably``, ``dated``, ``after`` ..., ``(?)``), cut into alternatives (``/``,
``or``, ``and``) and ranges (``–``, ``-``, ``to``), and each side read as a year, month,
season, decade, century, millennium or a part of one. Sides borrow from their neighbours
what they leave out (``1266–75``, ``1630s–40s``, ``15th–16th century``, ``500–400 B.C.``,
``March–April 1889``). A word the grammar does not know leaves the whole string unparsed,
with the word in the reason: a guess is never returned as a year.

Example
-------
>>> parse_one("ca. 1846–67", Rules())
Parsed(start=1841, end=1872, precision='year', qualifier='circa', reason=None)
>>> parse_one("first half of the 14th century", Rules())[:2]
(1300, 1349)
>>> parse_one("jún.04", Rules()).reason
"unrecognised words ('jún')"
"""

from __future__ import annotations

import math
import re
import unicodedata

from ._date_grammar import _P_RANK, _Q_RANK, Parsed, Rules, edtf, fail, finish

__all__ = ["parse_one"]

#: The last year a catalogue date may name (a larger number is an inventory number or a typo).
LAST_YEAR = 2100

_MONTHS = {"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
           "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
           "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
           "nov": 11, "december": 12, "dec": 12}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_SEASON = "spring|summer|autumn|fall|winter"
_ORDINALS = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth "
    "twenty-first".split())}
_ROMAN = {"i": 1, "v": 5, "x": 10}
_PART = (r"(?:(?P<nth>first|1st|second|2nd|third|3rd|fourth|4th|last|middle)\s+"
         r"(?P<piece>half|third|quarter)|(?P<third>early|beginning|start|mid|middle|late|end))"
         r"(?:\s+of)?(?:\s+the)?\s+")
_NTH = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3}
_PIECES = {"half": (2, "half-century"), "third": (3, "third-century"),
           "quarter": (4, "quarter-century")}
_THIRDS = {"early": 0, "beginning": 0, "start": 0, "mid": 1, "middle": 1, "late": 2, "end": 2}
_SIDE = re.compile(
    rf"(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+)?(?P<month>{_MONTH})\.?"
    rf"(?:\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?(?=\s+\d{{3}}|$))?(?:\s+(?P<myear>\d{{1,4}}))?"
    rf"|(?P<season>{_SEASON})(?:\s+(?P<syear>\d{{1,4}}))?"
    rf"|(?:{_PART})?(?:the\s+)?(?:(?P<decade>\d{{1,4}})s"
    rf"|(?:(?P<ord>\d{{1,2}})(?:st|nd|rd|th)|(?P<word>{'|'.join(_ORDINALS)})"
    rf"|(?P<roman>[ivx]{{1,5}})(?:th)?(?=\s+c))"
    rf"(?:\s+(?P<unit>centur(?:y|ies)|cent\.?|c\.?|millenni(?:um|a)))?)"
    rf"|(?P<year>\d{{1,4}})")
_ALONE = re.compile(_PART.removesuffix(r"\s+"))  # "mid" in "mid to late 16th century"
_CIRCA = r"ca\.?|circa|cca\.?|around|about|approx\.|approximately|abt\.|vers|um"
_PREFIX = re.compile(
    r"(?:(?P<shortly_after>shortly after|soon after|just after)|(?P<shortly_before>shortly "
    r"before|just before)|(?P<circa>" + _CIRCA + r")|(?P<after>after|not before|post|no "
    r"earlier than|from)|(?P<before>before|not after|by|ante|until|no later than|exhibited|"
    r"published)"
    r"|(?P<probable>probably|likely|presumably|datable to|dateable to|datable|dateable)"
    r"|(?P<uncertain>possibly|perhaps)|(?P<dated>(?:signed and |inscribed and )?dated|inscribed)"
    r"|(?P<filler>between|in|the|date|painted|made|executed|drawn|modell?ed|carved|designed"
    r"|created))(?![a-z])[.:]?\s*|(?P<c>c\.|c(?=\d))\s*|(?P<q>\?)\s*")
_SUFFIX = re.compile(r"\s*(?:(?P<after>or later|or after)|(?P<before>or earlier|or before)"
                     r"|(?P<circa>~|%)|(?P<q>\?|\(\?\)|\[\?\]))$")
_RANGE = re.compile(r"\s*(?:–|\bto\b|\buntil\b|\btill\b|\bthrough\b)\s*")
_ALTERNATIVE = re.compile(r"\s*(?:/|;|&|\bor\b|\band\b)\s*")
_UNDATED = re.compile(r"(?:n\.?\s?d|s\.?\s?d|o\.?\s?j|undated|unknown|not dated|no date|"
                      r"date not known|date unknown|unbekannt|inconnu|sans date|[?–\s.]*)\.?")
_DATE_WORD = re.compile(rf"\d|centur|millenni|\b(?:{_MONTH}|{_SEASON})\b")
_LATER_STATE = re.compile(r"(?:re)?(?:printed|published|cast|retouched|reworked|altered|"
                          r"completed|finished|restored|repainted|modified|enlarged|revised|"
                          r"issued|edition|impression)\b")
_ERA = re.compile(r"^ad\s*|\s*\b(?P<era>bc|ad)$")
_ERAS = [(re.compile(r"(?<![a-z])b\.?\s?c\.?(?:\s?e\.?)?(?![a-z])"), " bc "),
         (re.compile(r"(?<![a-z])(?:a\.?\s?d\.?|c\.e\.|ce)(?![a-z])"), " ad ")]


class _Side:
    """One side of a range as written: what it says, and what it leaves to its neighbours."""

    __slots__ = ("kind", "digits", "n", "unit", "part", "era", "precision", "quals")

    def __init__(self, kind: str, digits: str = "", n: int = 0, unit: str | None = None,
                 part: tuple | None = None, era: str | None = None, precision: str = "year"):
        self.kind, self.digits, self.n, self.unit, self.part = kind, digits, n, unit, part
        self.era, self.precision, self.quals = era, precision, set()


def _normalise(text: str) -> str:
    t = re.sub(r"[\u2010-\u2015\u2212]", "–", text.lower()).replace("\u2019", "'")
    for pattern, era in _ERAS:
        t = pattern.sub(era, t)
    t = t.replace("mid-", "mid ").replace("-century", " century").replace("'s", "s")
    t = re.sub(r"\s*[-–]\s*", "–", t)
    return re.sub(r"\s+", " ", t).strip(" .:;,'\"")


def _strip_quals(text: str, quals: set[str]) -> str:
    """``text`` without its leading and trailing qualifiers, which go into ``quals``."""
    while text:
        m = _PREFIX.match(text)
        if not m or not m.group(0):
            break
        kind = m.lastgroup
        if kind == "after" and m.group("after") == "from" and _RANGE.search(text[m.end():]):
            kind = "filler"  # from 1650 to 1660
        quals.update({"shortly_after": ("after", "shortly"), "shortly_before": ("before", "shortly"),
                      "c": ("circa",), "q": ("uncertain",), "filler": ()}.get(kind, (kind,)))
        text = text[m.end():]
    while text and (m := _SUFFIX.search(text)):
        kind = m.lastgroup
        quals.add("uncertain" if kind == "q" else kind)
        text = text[:m.start()]
    if "?" in text:
        quals.add("uncertain")
        text = text.replace("?", "")
    return text.strip()


def _read_side(text: str, quals: set[str]) -> _Side | str:
    """One side (``ca. 1650``, ``late 15th``, ``October 1889``, ``40s``) or why it is none."""
    text = _strip_quals(text, quals)
    era = None
    while (m := _ERA.search(text)) and m.group(0):
        era = m.group("era") or "ad"
        text = (text[:m.start()] if m.group("era") else text[m.end():]).strip()
    m = _SIDE.fullmatch(text) or _ALONE.fullmatch(text)
    if not m:
        words = [w for w in re.findall(r"[^\W\d_]+", text) if w not in ("s", "th")]
        return f"unrecognised words ({', '.join(repr(w) for w in words[:3])})" if words \
            else f"no date in {text!r}" if text else "an empty side of a range"
    g = {"month": None, "season": None, "decade": None, "ord": None, "word": None, "roman": None,
         **m.groupdict()}
    g["alone"] = m.re is _ALONE
    part = None
    if g["piece"]:
        count, precision = _PIECES[g["piece"]]
        index = count - 1 if g["nth"] == "last" else 1 if g["nth"] == "middle" else _NTH[g["nth"]]
        if index >= count or (g["nth"] == "middle" and count != 3):
            return f"no {g['nth']} {g['piece']}"
        part = (index / count, (index + 1) / count, precision)
    elif g["third"]:
        part = (_THIRDS[g["third"]] / 3, (_THIRDS[g["third"]] + 1) / 3, "third-century")
    if g["alone"]:
        side = _Side("part", part=part, era=era)
    elif g["month"] or g["season"]:
        digits = g["myear"] or g["syear"] or ""
        precision = "season" if g["season"] else "day" if (g["day"] or g["day2"]) else "month"
        side = _Side("year" if digits else "when", digits, era=era, precision=precision)
    elif g["decade"]:
        side = _Side("decade", g["decade"], part=part, era=era, precision="decade")
    elif g["ord"] or g["word"] or g["roman"]:
        if g["roman"]:
            values = [_ROMAN[c] for c in g["roman"]]
            n = sum(-v if i + 1 < len(values) and v < values[i + 1] else v
                    for i, v in enumerate(values))
        else:
            n = int(g["ord"]) if g["ord"] else _ORDINALS[g["word"]]
        unit = None if not g["unit"] else "millennium" if g["unit"].startswith("millenni") \
            else "century"
        side = _Side("ordinal", n=n, unit=unit, part=part, era=era, precision=unit or "century")
    else:
        side = _Side("year", g["year"], era=era)
    side.quals = quals
    return side


def _nearest(sides: list[_Side], i: int, test) -> _Side | None:
    return next((s for s in sides[i + 1:] if test(s)), None)


def _resolve(sides: list[_Side]) -> str | None:
    """Fill in what each side leaves to its neighbours, in place; or say why they cannot."""
    explicit = [s.era is not None for s in sides]
    era = None
    for s in reversed(sides):  # 500–400 B.C.: the era is written once, at the end
        era = s.era = s.era or era
    for i, s in enumerate(sides):
        s.era = s.era or "ad"
        if s.kind == "part":  # mid to late 16th century
            base = _nearest(sides, i, lambda o: o.kind in ("decade", "ordinal"))
            if base is None:
                return "a part of a period without the period"
            s.kind, s.digits, s.n, s.unit, s.era = base.kind, base.digits, base.n, base.unit, base.era
        elif s.kind == "ordinal" and s.unit is None:  # 15th–16th century
            unit = _nearest(sides, i, lambda o: o.kind == "ordinal" and o.unit)
            if unit is None:
                return f"{s.n}th of what (century or millennium)?"
            s.unit = s.precision = unit.unit
        elif s.kind == "when":  # March–April 1889
            year = _nearest(sides, i, lambda o: o.kind == "year" and o.digits)
            if year is None:
                return "a month or season without a year"
            s.kind, s.digits, s.era = "year", year.digits, year.era
        if i and s.kind in ("year", "decade") and sides[i - 1].kind == s.kind \
                and len(s.digits) < len(sides[i - 1].digits):  # 1266–75, 1630s–40s
            before = sides[i - 1].digits
            value = int(before[:len(before) - len(s.digits)] + s.digits)
            if s.era == "ad" and value < int(before):
                value += 10 ** len(s.digits)  # 1695–05 runs into the next century
            s.digits = str(value)
        elif s.kind == "year" and len(s.digits) <= 2 and not explicit[i]:
            return f"{s.digits!r} is no year (a year has 3 or 4 digits, or an era: A.D. 79)"
    return None


def _span(s: _Side) -> tuple[int, int, str]:
    """The years a resolved side covers, and their precision."""
    bc = s.era == "bc"
    if s.kind == "year":
        year = int(s.digits)
        return (-year, -year, s.precision) if bc else (year, year, s.precision)
    if s.kind == "decade":
        value = int(s.digits)
        size, precision = (100, "century") if value % 100 == 0 and len(s.digits) >= 3 \
            else (10, "decade")  # the 1600s are a century, the 1660s a decade
        start = -(value + size - 1) if bc else value
    else:
        size, precision = (1000 if s.unit == "millennium" else 100), s.unit
        start = -s.n * size if bc else (s.n - 1) * size
    end = start + size - 1
    if s.part:
        low, high, part_precision = s.part
        start, end = (start + math.ceil(low * size - 1e-9),
                      start + math.ceil(high * size - 1e-9) - 1)
        precision = part_precision if precision == "century" else precision
    return max(start, 1) if not bc and start < 1 else start, end, precision


def _read_part(part: str, rules: Rules) -> Parsed:
    """One comma-separated part: its qualifiers, alternatives and ranges."""
    quals: set[str] = set()
    text = _strip_quals(part, quals)
    if re.search(r"\bor\b", text):
        quals.add("uncertain")
    pieces = [p for p in _ALTERNATIVE.split(text)]
    sides: list[_Side] = []
    groups: list[tuple[int, int, set[str]]] = []  # each alternative's first and last side
    for piece in pieces:
        piece_quals = set(quals)
        piece = _strip_quals(piece, piece_quals)
        first = len(sides)
        for raw in _RANGE.split(piece):
            side = _read_side(raw, set())
            if isinstance(side, str):
                return fail(side)
            sides.append(side)
        groups.append((first, len(sides) - 1, piece_quals))
    problem = _resolve(sides)
    if problem:
        return fail(problem)
    spans = [_span(s) for s in sides]
    if any(b > LAST_YEAR for _, b, _ in spans):
        return fail(f"a year after {LAST_YEAR} (an inventory number?)")
    readings = []
    for first, last, piece_quals in groups:
        ends = [(*spans[i], sides[i].quals) for i in range(first, last + 1)]
        readings.append(finish([ends[0], ends[-1]] if len(ends) > 1 else ends, piece_quals,
                               rules))
    return _union(readings)


def _union(readings: list[Parsed]) -> Parsed:
    """The span of every reading (``1794/c.1830-5``), or the first that failed."""
    bad = next((r for r in readings if r.reason), None)
    if bad:
        return bad
    return Parsed(min(r.start for r in readings), max(r.end for r in readings),
                  max((r.precision for r in readings), key=_P_RANK.__getitem__),
                  max((r.qualifier for r in readings), key=_Q_RANK.__getitem__), None)


def _brackets(part: str) -> tuple[str, bool, str]:
    """``part`` with its brackets read: ``(?)`` is a question mark; a date only in brackets
    (``Edo period (1615–1868)``, ``[1650]``) is the date, the words outside its label;
    brackets beside a date outside them are comments. Returns (text, labelled, extra)."""
    groups = re.findall(r"[(\[]([^()\[\]]*)[)\]]", part)
    if not groups:
        return part, False, ""
    rest = re.sub(r"[(\[][^()\[\]]*[)\]]", " ", part).strip()
    extra = "?" if any(g.strip() == "?" for g in groups) else ""
    dated = [g for g in groups if re.search(r"\d", g)]
    if not dated or re.search(r"\d", rest):
        return rest, False, extra
    if not rest and part.lstrip().startswith("["):
        extra += "probably "  # [1650]: a date the cataloguer supplied
    return dated[0], bool(rest), extra


def _catalogue(text: str, rules: Rules) -> Parsed:
    t = _normalise(text)
    if _UNDATED.fullmatch(t):
        return fail("undated")
    if not _DATE_WORD.search(t):
        return fail("no year in it")
    raw = [p.strip() for p in t.split(",")]
    merged: list[str] = []
    for p in raw:  # March 15, 1889
        if merged and re.fullmatch(r"\d{3,4}(?: bc| ad)?", p) \
                and re.search(rf"\b(?:{_MONTH})\.? \d{{1,2}}(?:st|nd|rd|th)?$", merged[-1]):
            merged[-1] += " " + p
        else:
            merged.append(p)
    readings, labelled = [], []
    for i, p in enumerate(merged):
        if not p or not _DATE_WORD.search(p) or (i and _LATER_STATE.match(p)):
            continue  # a place, a note, or a later state (reprinted 1892)
        body, is_label, extra = _brackets(p)
        reading = _read_part(f"{extra}{body}" if not extra.endswith("?") else f"{body}?", rules)
        if extra.startswith("probably") and reading.reason is None \
                and reading.qualifier == "exact":
            reading = reading._replace(qualifier="probable")
        (labelled if is_label else readings).append(reading)
    readings = readings or labelled  # a named period counts only without a plainer date
    return _union(readings) if readings else fail("no year in it")


_QUICK = re.compile(r"(?:(ca\.?|c\.?|circa)\s*)?(\d{3,4})(?:\s*([–—-])\s*(\d{1,4}))?",
                    re.IGNORECASE)


def _quick(text: str, rules: Rules) -> Parsed | None:
    """The commonest forms (``1650``, ``ca. 1650``, ``1650–55``, ``c.1786-9``) read in one
    match, as the full grammar reads them; None for anything else."""
    m = _QUICK.fullmatch(text)
    if not m:
        return None
    circa, first, dash, last = m.groups()
    start = end = int(first)
    if last:
        if dash == "-" and len(last) == 2 and not circa and int(last) <= int(first[-2:]):
            return None  # 1650-05: ISO's month, read by the EDTF rules
        end = int(first[:len(first) - len(last)] + last)
        if end < start:
            end += 10 ** len(last)
    if circa:
        start, end = start - rules.circa, end + rules.circa
    return Parsed(start, end, "year", "circa" if circa else "exact", None)


def parse_one(text: object, rules: Rules) -> Parsed:
    """One date string as an interval of years (see :func:`artopic_nb.data.dates.parse`)."""
    if not isinstance(text, str):
        return fail("empty") if text is None or text != text else parse_one(str(text), rules)
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        return fail("empty")
    found = _quick(s, rules) or edtf(s, rules) or _catalogue(s, rules)
    if found.start is not None and found.start > LAST_YEAR:
        return fail(f"a year after {LAST_YEAR} (an inventory number?)")
    return found
