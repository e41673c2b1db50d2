"""Art dates as intervals: how many real catalogue date strings each parser reads right, and
how fast, ours (:func:`artopic_nb.dates.parse`) beside ``dateparser`` (general dates in text)
and two EDTF parsers (``edtf``, ``undate``), on the same corpus (medians).

The corpus is ``tests/data/dates/corpus.csv``: 248 real date strings of Met and Tate records
with the interval written by hand for each (see its README), 5 of them garbage that must not
become a year. Per parser:

- *accepts*: it returns a date (for garbage too: that is the last column);
- *first year named*: its first year is the first year the string names (``ca. 1650``:
  1650, ``after 1649``: 1649, ``16th century``: 1500); that is our reading with circa and open
  bounds set to 0 (``parse(..., circa=0, open_years=0)``), since the hand-written start is
  widened by them. dateparser returns one instant, whose year is read as its first;
- *interval right*: its first and last years are the expected ones (dateparser: never for
  a range, it returns a point);
- *garbage given a year*: rows that name no date for which it returned one;
- *us per string*: parsing each corpus string once, no cache (median of 3 runs).

Then a million strings drawn from the corpus (with repeats, as a collection's column has
them): ours (each distinct string read once) beside each baseline run the best way a user
could, over the distinct strings and mapped back. ``--distinct N`` also times N distinct
catalogue strings (``ca. 1647–53`` ...), where no repeat helps.

The baselines are benchmark-only dependencies (``pip install dateparser edtf undate``); a
missing one is reported as not installed.

Run:  python benchmarks/dates.py [--n 1000000] [--distinct 20000]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, print_table  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "dates" / "corpus.csv"
#: Forms of the corpus strings, first match taken (for the "what each covers" table).
FORMS = [
    ("garbage", None),
    ("plain year", r"\d{3,4}"),
    ("ISO / EDTF / navDate", r"-?\d{4}-\d\d-\d\d(t.*)?|\d{3}x|\d{2}xx|\d{4}[~%]"),
    ("period (years in brackets)", r".*\(\d.*\).*"),
    ("two dates / later state", r".*(,|/).*\d.*(,|/)?.*"),
    ("circa", r"(\?)?(ca\.|c\.|circa|around|about).*"),
    ("century or part", r".*centur.*|.*\d00s"),
    ("decade", r".*\d0s"),
    ("qualified (probably, dated, after ...)", r"(probably|possibly|dated|datable|after|"
                                               r"before|shortly).*|.*\(\?\)|.*\?"),
    ("month / season", r".*(january|february|march|april|may|june|july|august|september|"
                       r"october|november|december|spring|summer|autumn|winter).*"),
    ("range", r"\d{3,4}\s*[–-]\s*\d{1,4}"),
]


def form_of(text: str, garbage: bool) -> str:
    if garbage:
        return "garbage"
    t = text.strip().lower()
    return next((name for name, pattern in FORMS[1:] if re.fullmatch(pattern, t)), "other")


# -- the parsers, each string -> (first year, last year) or None ---------------------------------

def ours() -> Callable[[list[str]], list]:
    import artopic_nb as an

    parse = an.dates.parse

    def run(strings: list[str]) -> list:
        table = parse(strings)
        return [None if not ok else (int(s), int(e)) for ok, s, e in
                zip(table["parsed"], table["start"], table["end"], strict=True)]
    return run


def dateparser_parser() -> Callable[[list[str]], list]:
    import dateparser

    def one(text: str):
        try:
            found = dateparser.parse(text) if text.strip() else None
        except Exception:
            return None
        return None if found is None else (found.year, found.year)
    return lambda strings: [one(s) for s in strings]


def edtf_parser() -> Callable[[list[str]], list]:
    from edtf import parse_edtf

    def one(text: str):
        try:
            found = parse_edtf(text)
            return found.lower_strict().tm_year, found.upper_strict().tm_year
        except Exception:
            return None
    return lambda strings: [one(s) for s in strings]


def undate_parser() -> Callable[[list[str]], list]:
    from undate import Undate

    def one(text: str):
        try:
            found = Undate.parse(text, "EDTF")
            return found.earliest.year, found.latest.year
        except Exception:
            return None
    return lambda strings: [one(s) for s in strings]


PARSERS = {"ours (artopic_nb.dates)": ours, "dateparser 1.5": dateparser_parser,
           "edtf 5.0 (EDTF)": edtf_parser, "undate 0.8 (EDTF)": undate_parser}


def _median_seconds(fn: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def score(found: list, corpus: pd.DataFrame) -> dict[str, float]:
    garbage = corpus["expected_start"].isna().to_numpy()
    start = corpus["expected_start"].to_numpy()
    end = corpus["expected_end"].to_numpy()
    named = corpus["named_start"].to_numpy()
    accepts = np.array([f is not None for f in found])
    first = np.array([f is not None and not g and f[0] == s
                      for f, g, s in zip(found, garbage, named, strict=True)])
    both = np.array([f is not None and not g and f == (s, e)
                     for f, g, s, e in zip(found, garbage, start, end, strict=True)])
    dated = ~garbage
    return {"accepts": accepts[dated].mean(), "first": first[dated].mean(),
            "interval": both[dated].mean(), "garbage": int(accepts[garbage].sum()),
            "first_flags": first, "interval_flags": both}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="strings in the timing run")
    parser.add_argument("--distinct", type=int, default=0,
                        help="also time this many distinct catalogue strings (ours)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")  # dateparser's deprecation chatter
    corpus = pd.read_csv(CORPUS, dtype={"text": str}, keep_default_na=False)
    for c in ("expected_start", "expected_end"):
        corpus[c] = pd.to_numeric(corpus[c]).astype("Int64")
    texts = corpus["text"].tolist()
    garbage = corpus["expected_start"].isna().to_numpy()
    import artopic_nb as an

    corpus["named_start"] = an.dates.parse(texts, circa=0, open_years=0)["start"]
    corpus["form"] = [form_of(t, g) for t, g in zip(texts, garbage, strict=True)]
    print(f"{machine()}; corpus: {len(corpus)} strings ({int((~garbage).sum())} dated, "
          f"{int(garbage.sum())} garbage)")

    runs, rows, per_string = {}, [], {}
    for name, make in PARSERS.items():
        try:
            run = make()
        except ImportError:
            rows.append((name, "not installed", "", "", "", ""))
            continue
        run(texts[:5])  # imports, first-call set-up
        found = run(texts)
        seconds = _median_seconds(lambda run=run: run(texts))
        s = score(found, corpus)
        runs[name], per_string[name] = (run, s), seconds / len(texts)
        first = "(reference)" if name.startswith("ours") else f"{s['first']:.0%}"
        rows.append((name, f"{s['accepts']:.0%}", first, f"{s['interval']:.0%}",
                     f"{s['garbage']} of {int(garbage.sum())}",
                     f"{seconds / len(texts) * 1e6:,.0f}"))
    print_table("Parse rate on the corpus (dated strings) and speed per string (median of 3)",
                rows, ("parser", "accepts", "first year named", "interval right",
                       "garbage given a year", "us per string"))

    forms = corpus.groupby("form", sort=False).size()
    cover = []
    for form, count in forms.items():
        mask = (corpus["form"] == form).to_numpy()
        row = [form, str(count)]
        for name, (_, s) in runs.items():
            key = "interval_flags" if name.startswith("ours") else "first_flags"
            row.append("-" if form == "garbage" else f"{s[key][mask].mean():.0%}")
        cover.append(tuple(row))
    print_table("What each covers: interval right (ours) / first year named (the others), by form",
                cover, ("form", "strings", *[n.split(" (")[0] for n in runs]))

    ours_name = next(iter(runs))
    rng = np.random.default_rng(0)
    many = pd.Series(rng.choice(np.array(texts, dtype=object), args.n), dtype=object)
    rows = []
    ours_seconds = _median_seconds(lambda: runs[ours_name][0](many))
    for name, (run, _) in runs.items():
        if name == ours_name:
            continue
        def mapped(run=run):
            distinct = pd.unique(many)
            return many.map(dict(zip(distinct, run(list(distinct)), strict=True)))
        seconds = _median_seconds(mapped, repeats=1 if name.startswith("date") else 3)
        rows.append((name, f"{ours_seconds:.2f} s", f"{seconds:.2f} s",
                     f"{seconds / ours_seconds:.1f}x" if seconds > ours_seconds
                     else f"{ours_seconds / seconds:.1f}x slower"))
    ratio_rows = [(name, f"{per_string[ours_name] * 1e6:,.0f} us",
                   f"{per_string[name] * 1e6:,.0f} us",
                   f"{per_string[name] / per_string[ours_name]:.0f}x")
                  for name in runs if name != ours_name]
    print_table("Per corpus string, no cache (ours, baseline, ratio; medians)", ratio_rows,
                ("baseline", "ours", "baseline", "baseline / ours"))
    print_table(f"{args.n:,} strings drawn from the corpus (ours: each distinct string once; "
                "baselines: over the distinct strings, mapped back; medians)", rows,
                ("baseline", "ours", "baseline", "baseline / ours"))
    print(f"ours, {args.n:,} strings: {ours_seconds:.2f} s (target: under 10 s)")

    if args.distinct:
        years = re.compile(r"(?<!\d)(\d{4})(?!\d)")
        varied: dict[str, None] = {}
        for shift in rng.permutation(np.arange(-500, 100)):  # the corpus's forms, other years
            for text in texts:
                varied[years.sub(lambda m, s=int(shift): str(int(m.group(1)) + s), text)] = None
            if len(varied) >= args.distinct:
                break
        varied = list(varied)[:args.distinct]
        seconds = _median_seconds(lambda: runs[ours_name][0](varied), repeats=1)
        print(f"ours, {len(varied):,} distinct strings (the corpus's forms, years shifted): "
              f"{seconds:.2f} s ({seconds / len(varied) * 1e6:.0f} us each)")
    met = corpus[corpus["museum_end"] != ""]
    start, end = met["museum_start"].astype(int), met["museum_end"].astype(int)
    table = runs[ours_name][0](met["text"].tolist())
    ours_start = np.array([t[0] for t in table])
    ours_end = np.array([t[1] for t in table])
    print(f"ours vs the Met's own objectBeginDate/objectEndDate ({len(met)} strings): "
          f"equal {np.mean((ours_start == start) & (ours_end == end)):.0%}, within 5 years at "
          f"both ends {np.mean((abs(ours_start - start) <= 5) & (abs(ours_end - end) <= 5)):.0%}, "
          f"overlapping {np.mean((ours_start <= end) & (ours_end >= start)):.0%}")


if __name__ == "__main__":
    main()
