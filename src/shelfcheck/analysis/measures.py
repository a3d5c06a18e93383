"""Measurements: sizes with units, read from every place a listing states them (RULEBOOK §8).

``find_measurements`` reads the free text of every source (title, description,
variant sizes and attributes and, once the photo analyses add it, text read
from photos) and the size chart's structure, and returns every
:class:`Measurement`: a value or range with its unit, the parameter it
measures (chest, waist, insole_length, diameter, dimensions ...) and the size
label it belongs to ("M", "US6", "80") where one is given.

What it reads:

* number + unit: "45 cm", "Length 16 inch", "Bust: 86-90cm", "12.7\"";
* dimensions: "40x40cm", "23 cms X 23 cms", "20 x 8 x 15 cm (L x W x H)";
* numbers after a parameter under a declared unit: "Size (cm): S bust 88
  length 62", a Thai "หน่วยเป็น(นิ้ว) ... อก 40 เอว 38";
* the size chart: the unit from ``unit`` or the header ("Bust (cm)"), the
  parameter from the header, the label from the size columns ("US" + "6" =
  "US6").

What it leaves out: tolerances ("1-2 cm error due to manual measurement"),
numbers with no unit and no parameter ("39-42" EU shoe sizes, "(26-38)"),
body weights ("40-47.5 kg") and words ("Bag Size: Mini").

Units, parameter names and label columns are policy data (``size.yaml``).
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ahocorasick

from shelfcheck import gate
from shelfcheck.model import SizeChart
from shelfcheck.policy import per_object, phrase_regex

if TYPE_CHECKING:
    from shelfcheck.policy import SizePolicy

#: A number; it never starts inside a longer run of digits (so a run of 50,000 digits is
#: read once, not from every position). Written digit first, so that ``re`` jumps from
#: digit to digit instead of trying the whole pattern at every position: the look-behind
#: after the first digit, (?<!\d\d), says what (?<!\d) before it would.
NUM = r"\d(?<!\d\d)\d{0,6}(?:\.\d{1,6}|,\d{1,2}(?!\d))?"
#: The same number, its whole digits never given back (a possessive repeat). It matches
#: the same as :data:`NUM` wherever nothing that may follow the number starts with a
#: digit: a shorter run of the digits is followed by a digit, so it could not match
#: either. ``re`` then tries each number once, not once per digit it could give back.
NUM_ONCE = r"\d(?<!\d\d)\d{0,6}+(?:\.\d{1,6}|,\d{1,2}(?!\d))?"
_RANGE_SEP = r"(?:-|–|—|~|to)"
_LABEL = re.compile(
    r"(?<![\w.'’])(?:(?i:US|EU|UK|CN|JP|AU)\s?\d{1,2}(?:[.,]5)?|X{0,3}S|M|X{0,4}L|[2-7]XL|XXS"
    r"|\d{2,3})(?![\w.%'’])"
)
_SIZE_SYSTEMS = ("US", "EU", "UK", "CN", "JP", "AU")
_LINE_BREAK = re.compile(r"[\n;|]")
_DIGIT = re.compile(r"\d")
#: "L x W x H" dimensions measure the box, whatever side is named before them.
_BOX_SIDES = frozenset({None, "dimensions", "width", "height", "length", "depth"})
#: "Size 40", "Size: 36 > 44" are size labels, not measurements: no bare numbers for these.
BARE_NUMBER_EXCLUDED = frozenset({"dimensions"})
#: The side a dimension measures, written after it: "50L x 25W x 28H cm", "30cm(L) x 12cm(W)".
_SIDE = r"(?:[ \t]?\(?[lwhd]\)?(?![a-z]))?"
#: What may stand between a parameter and a generic "size" naming it ("Bust Size", "Hip-Size").
_GENERIC_GAP = re.compile(r"[ \t\-_]{0,3}")


@dataclass(frozen=True, slots=True)
class Measurement:
    """One measured size: where, what, how much."""

    field: str
    evidence: str
    span: tuple[int, int] | None
    param: str | None
    low: float
    high: float
    #: Canonical unit ("cm", "mm", "m", "inch", "ft") or None when not stated.
    unit: str | None
    cm_per_unit: float | None
    label: str | None = None

    @property
    def metric(self) -> bool:
        return self.unit in ("cm", "mm", "m")

    @property
    def imperial(self) -> bool:
        return self.unit in ("inch", "ft")

    def cm(self) -> tuple[float, float] | None:
        if self.cm_per_unit is None:
            return None
        return self.low * self.cm_per_unit, self.high * self.cm_per_unit


@dataclass(frozen=True, slots=True)
class SizeInfo:
    """Everything the listing says about sizes."""

    measurements: tuple[Measurement, ...]
    #: Normalised size labels a chart or size guide gives measurements for.
    chart_labels: frozenset[str]
    #: Whether a size chart with at least one row was given.
    has_chart: bool
    chart_params: frozenset[str] = field(default=frozenset())
    #: The labels of each chart row ({"6", "US6", "36", "EU36"}): one size, several names.
    label_groups: tuple[frozenset[str], ...] = ()

    def of(self, *params: str) -> list[Measurement]:
        return [m for m in self.measurements if m.param in params]

    def same_size(self, a: str, b: str) -> bool:
        """Whether two size labels name the same size (directly or through a chart row)."""
        return a == b or any(a in g and b in g for g in self.label_groups)


# --- small helpers ------------------------------------------------------------------------


def to_float(text: str) -> float:
    return float(text.replace(",", "."))


_SPACES = re.compile(r"\s+")
_SIZE_PREFIX = re.compile(r"^SIZE[-:]?")
_MANY_X = re.compile(r"(X{2,6})([LS])")
_PLUS_X = re.compile(r"[2-7]X")


#: Size words for the letters: "Small" is "S", "X-Large" is "XL".
_SIZE_WORDS = {
    "XSMALL": "XS", "X-SMALL": "XS", "EXTRASMALL": "XS", "EXTRA-SMALL": "XS",
    "SMALL": "S", "MEDIUM": "M", "LARGE": "L",
    "XLARGE": "XL", "X-LARGE": "XL", "EXTRALARGE": "XL", "EXTRA-LARGE": "XL",
    "XXLARGE": "2XL", "XX-LARGE": "2XL", "XXXLARGE": "3XL", "XXX-LARGE": "3XL",
}


def normalise_label(text: str) -> str:
    """ "us 7.5" -> "US7.5", "XXL" -> "2XL", "Size-XS" -> "XS", "Small" -> "S"."""
    label = _SPACES.sub("", text.strip().upper()).replace(",", ".")
    label = _SIZE_PREFIX.sub("", label)
    label = _SIZE_WORDS.get(label, label)
    m = _MANY_X.fullmatch(label)
    if m:
        label = f"{len(m.group(1))}X{m.group(2)}"
    elif _PLUS_X.fullmatch(label):
        label += "L"  # big-and-tall "4X" is 4XL
    return label


def label_tokens(size: str) -> set[str]:
    """The labels a variant's size may be found under ("Xs-26" -> {"XS-26", "XS", "26"})."""
    whole = normalise_label(size)
    out = {whole}
    if _SPACES.sub("", size.strip().upper()) in _SIZE_WORDS:
        return out  # "X-Large" is XL, not also "X" and "L"
    for part in re.split(r"[\s\-/()（）,]+", size):
        if part.strip():
            out.add(normalise_label(part))
    return {t for t in out if t}


@per_object
def _compiled(policy: SizePolicy) -> _Regexes:
    """The policy's regexes, built once per policy object."""
    return _Regexes(policy)


class _Regexes:
    """The regexes built from the policy's unit spellings (once per policy)."""

    def __init__(self, policy: SizePolicy) -> None:
        spellings = sorted(policy.length_units, key=len, reverse=True)
        parts = []
        for s in spellings:
            if s == "in":
                # "in" only where it cannot be the word: "16 in.", "16 in)", "2 in x 3 in"
                # "16 in.", "16 in)", "2 in x 3 in"; "32in" written onto its number
                parts.append(r"(?:in(?=\.|\s*[)\],;x×*/]|\s*$)|(?<=\d)in(?![a-zA-Z\d]))")
            elif s in ("foot", "feet"):
                # "EU 40 foot length 25 cm": a shoe size before the foot length, no feet
                parts.append(re.escape(s) + r"(?![a-zA-Z])(?![ \t]*(?:length|len|size|width|girth|circumference)\b)")
            elif s[-1:].isalnum() and s.isascii():
                parts.append(re.escape(s) + r"(?![a-zA-Z])")
            else:
                parts.append(re.escape(s))
        unit = "(?:" + "|".join(parts) + ")"
        self.unit = unit
        # what follows a number in these regexes is a unit, a range, a side, "x" or a
        # look-ahead that refuses a digit: NUM_ONCE is exact unless a unit starts with one
        other = sorted(policy.other_units, key=len, reverse=True)
        digit_first = any(s[:1].isdigit() for s in (*spellings, *other))
        num = NUM if digit_first else NUM_ONCE
        self.num = num
        self.single = re.compile(
            rf"(?P<a>{num})[ \t]*(?:(?P<ua>{unit})[ \t]*)?"
            rf"(?:{_RANGE_SEP}[ \t]*(?P<b>{num})[ \t]*)?(?P<u>{unit})",
            re.IGNORECASE,
        )
        side = _SIDE
        self.dims = re.compile(
            rf"(?P<d1>{num}){side}[ \t]*(?P<u1>{unit})?{side}[ \t]*[x×*X][ \t]*(?P<d2>{num}){side}"
            rf"[ \t]*(?P<u2>{unit})?{side}(?:[ \t]*[x×*X][ \t]*(?P<d3>{num}){side}[ \t]*"
            rf"(?P<u3>{unit})?{side})?",
            re.IGNORECASE,
        )
        self.header_unit = re.compile(rf"(?:\(|\b)(?P<u>{unit})\)?", re.IGNORECASE)
        # a cell may give the value in a second unit too: "96cm/37.8in", "88 (34.6\")"
        self.cell = re.compile(
            rf"\s*(?P<a>{num})\s*(?:{_RANGE_SEP}\s*(?P<b>{num}))?\s*(?P<u>{unit})?\s*"
            rf"(?:(?:/|\(|\[)\s*{num}\s*(?:{_RANGE_SEP}\s*{num})?\s*{unit}?\s*[)\]]?\s*)?",
            re.IGNORECASE,
        )
        self.at_end = re.compile(rf"(?P<u>{unit})\s*$", re.IGNORECASE)
        self.declared = re.compile(
            rf"(?:\(\s*(?P<p>{unit})\s*\)|\bunits?\s*(?:is|are|in|:|：)?\s*\(?\s*(?P<q>{unit})(?![a-z]))",
            re.IGNORECASE,
        )
        self.other = re.compile(
            rf"(?P<a>{num})[ \t]*(?P<u>" + "|".join(re.escape(o) for o in other) + r")(?![a-zA-Z])",
            re.IGNORECASE,
        )
        self.bare_after_param = re.compile(
            rf"[ \t]*[:：=\-]?[ \t]*(?P<a>{num})(?:[ \t]*{_RANGE_SEP}[ \t]*(?P<b>{num}))?"
            r"(?![\da-zA-Z]|[.,]\d|[ \t]*(?:[=:>]|%|kg|lb|y\b|yrs?|years?|m\b|months?|pcs|g\b))",
            re.IGNORECASE,
        )
        # one regex per term, so that overlapping names are all seen ("fits foot length");
        # each phrase carries its first word, a cheap substring test that skips the regex
        # when the word is nowhere in the text (most terms, for most texts)
        self.param_terms: list[tuple[str, str | None, re.Pattern[str]]] = []
        for name, terms in policy.parameters.items():
            for term in terms.terms:
                key = re.split(r"[\s\-_]+", term.strip().lower())[0] or None
                self.param_terms.append(
                    (name, key, re.compile(phrase_regex(term), re.IGNORECASE))
                )
        for name, patterns in policy.parameter_patterns.items():
            for term in patterns.terms:
                self.param_terms.append((name, None, re.compile(term, re.IGNORECASE)))
        # all first words in one automaton: one pass over a text says which terms' regexes
        # can match, instead of one substring test per term
        by_key: dict[str, list[int]] = {}
        for i, (_, key, _) in enumerate(self.param_terms):
            if key is not None:
                by_key.setdefault(key, []).append(i)
        self.param_always = frozenset(i for i, t in enumerate(self.param_terms) if t[1] is None)
        # the terms without a first word (regexes), each with its literal gate (None: no
        # gate), and all their literals together (None: one has no gate)
        self.unkeyed_gates = [(i, gate.gate(self.param_terms[i][2])) for i in sorted(self.param_always)]
        self.unkeyed_literals: frozenset[int] | None = frozenset()
        for _, literals in self.unkeyed_gates:
            self.unkeyed_literals = (
                None if literals is None or self.unkeyed_literals is None
                else self.unkeyed_literals | literals
            )
        self.param_keys: Any = ahocorasick.Automaton()
        for key, indexes in by_key.items():
            self.param_keys.add_word(key, tuple(indexes))
        if by_key:
            self.param_keys.make_automaton()

    def unkeyed_in(self, text: str) -> frozenset[int]:
        """The terms without a first word whose regexes may match ``text`` or any part of
        it: a literal missing from the case-folded text is missing from each of its parts
        (folding goes character by character), and their regexes need one."""
        present = gate.present(text)
        if self.unkeyed_literals is not None and self.unkeyed_literals.isdisjoint(present):
            return frozenset()  # the usual case: one set test for all of them
        return frozenset(
            i
            for i, literals in self.unkeyed_gates
            if literals is None or not literals.isdisjoint(present)
        )

    def param_candidates(self, lowered: str, unkeyed: frozenset[int] | None = None) -> list[int]:
        """Indexes into ``param_terms``, in order, of the terms whose first word occurs in
        ``lowered`` (and of the regexes, which have none: all of them, or ``unkeyed``)."""
        found = set(self.param_always if unkeyed is None else unkeyed)
        if len(self.param_keys):
            for _, indexes in self.param_keys.iter(lowered):
                found.update(indexes)
        return sorted(found)


def _unit_info(spelling: str | None, policy: SizePolicy) -> tuple[str | None, float | None]:
    if not spelling:
        return None, None
    key = spelling.lower() if spelling.lower() in policy.length_units else spelling
    if key not in policy.length_units:
        return None, None
    return policy.canonical.get(key, key), policy.length_units[key]


def _params_in(
    text: str, rx: _Regexes, unkeyed: frozenset[int] | None = None
) -> list[tuple[int, int, str]]:
    """(start, end, parameter) of every parameter term in ``text``. ``unkeyed``: for a
    part of a longer text, ``rx.unkeyed_in(longer)``, which skips the regexes that cannot
    match there (by default each one runs)."""
    found = []
    for i in rx.param_candidates(text.lower(), unkeyed):
        name, _, pattern = rx.param_terms[i]
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), name))
    return found


def _last_param(
    text: str, rx: _Regexes, unkeyed: frozenset[int] | None = None
) -> tuple[str | None, int]:
    """The parameter named last in ``text`` (the longest where they end together)."""
    found = _params_in(text, rx, unkeyed)
    if not found:
        return None, -1
    start, _end, name = max(found, key=lambda f: (f[1], f[1] - f[0]))
    if name in BARE_NUMBER_EXCLUDED:
        # "Bust Size", "Waist Size (cm)": the generic word names the parameter before it
        before = [f for f in found if f[2] != name and _GENERIC_GAP.fullmatch(text[f[1] : start])]
        if before:
            start, _end, name = max(before, key=lambda f: (f[1], f[1] - f[0]))
    return name, start


_LEADING_GAP = re.compile(r"[ \t]*(?:in[ \t]+|of[ \t]+)?")


def _leading_param(
    text: str, at: int, rx: _Regexes, unkeyed: frozenset[int] | None = None
) -> str | None:
    """A parameter named right after a measurement ending at ``at``: "45 cm long", "210 cm
    in Height"."""
    offset = _LEADING_GAP.match(text, at).end()  # type: ignore[union-attr] # may be empty
    best = None
    for start, end, name in _params_in(text[offset : offset + 30], rx, unkeyed):
        if start == 0 and (best is None or end > best[0]):
            best = (end, name)
    return best[1] if best else None


#: A one-digit size named right before its measurement: "7=17.3mm", "Size 8: 18.1 mm".
_SMALL_LABEL = re.compile(r"(?<![\w.,/-])(\d(?:[.,]5)?)[ \t]*[=:：][ \t]*$")


def _label_before(window: str) -> str | None:
    small = _SMALL_LABEL.search(window)
    if small:
        return normalise_label(small.group(1))
    labels = list(_LABEL.finditer(window))
    if labels:
        return normalise_label(labels[-1].group(0))
    # "Size 8 Toddler: Insole Length 15.5cm"
    sized = list(_SIZE_WORD_LABEL.finditer(window))
    return normalise_label(sized[-1].group(1)) if sized else None


# --- free text ------------------------------------------------------------------------------


def _text_measurements(
    field_name: str, text: str, policy: SizePolicy, default_label: str | None = None
) -> list[Measurement]:
    rx = _compiled(policy)
    out: list[Measurement] = []
    taken: list[tuple[int, int]] = []
    # every text searched for parameters below is a part of ``text``
    unkeyed = rx.unkeyed_in(text)

    breaks = [m.end() for m in _LINE_BREAK.finditer(text)]

    def free(start: int, end: int) -> bool:
        # ``taken`` is sorted and its spans never overlap
        i = bisect.bisect_left(taken, (start, end))
        return (i == 0 or taken[i - 1][1] <= start) and (i == len(taken) or taken[i][0] >= end)

    def context(start: int) -> tuple[str, int]:
        """The text from the clause start (or the previous measurement) to ``start``."""
        floor = max(0, start - 60)
        i = bisect.bisect_right(taken, (start, len(text) + 1)) - 1
        while i >= 0 and taken[i][1] > start:
            i -= 1
        if i >= 0:
            floor = max(floor, taken[i][1])
        j = bisect.bisect_right(breaks, start) - 1
        if j >= 0:
            floor = max(floor, breaks[j])
        return text[floor:start], floor

    # the tolerance regexes read short parts of ``text``; one that cannot match the whole
    # text (its gate) cannot match a part of it, else it runs on the part ungated
    after_rx = policy.tolerance_after.pattern if policy.tolerance_after.may_match(text) else None
    before_rx = (
        policy.tolerance_before.pattern if policy.tolerance_before.may_match(text) else None
    )

    def tolerance(start: int, end: int) -> bool:
        return bool(
            (after_rx is not None and after_rx.search(text[end : end + 40]))
            or (before_rx is not None and before_rx.search(text[max(0, start - 25) : start]))
        )

    def add(
        start: int,
        end: int,
        low: float,
        high: float,
        unit: str | None,
        factor: float | None,
        param: str | None,
        label: str | None,
    ) -> None:
        bisect.insort(taken, (start, end))
        if tolerance(start, end):
            return
        out.append(
            Measurement(
                field_name,
                text[start:end],
                (start, end),
                param,
                min(low, high),
                max(low, high),
                unit,
                factor,
                label or default_label,
            )
        )

    def param_and_label(start: int, end: int) -> tuple[str | None, str | None]:
        window, _ = context(start)
        param, at = _last_param(window, rx, unkeyed)
        if param is None:
            param = _leading_param(text, end, rx, unkeyed)
            if param is None and out and re.fullmatch(r"[\s,]*(?:\S{1,6}\s*[=:])?\s*", window):
                prev = out[-1]
                same_line = not _LINE_BREAK.search(text, prev.span[1] if prev.span else 0, start)
                if same_line:
                    param = prev.param
        label_window = window[:at] if at >= 0 else window
        label = (
            _label_before(label_window) or _label_before(window) if param else _label_before(window)
        )
        return param, label

    # dimensions have a times sign between their figures; most texts have none
    times = "x" in text or "X" in text or "×" in text or "*" in text
    for m in rx.dims.finditer(text) if times else ():
        unit_text = m.group("u3") or m.group("u2") or m.group("u1")
        if not unit_text:
            continue
        unit, factor = _unit_info(unit_text, policy)
        values = [to_float(v) for v in (m.group("d1"), m.group("d2"), m.group("d3")) if v]
        start, end = m.span()
        window, _ = context(start)
        param, _at = _last_param(window, rx, unkeyed)
        label = _label_before(window)
        bisect.insort(taken, (start, end))
        if tolerance(start, end):
            continue
        if param in _BOX_SIDES:
            param = "dimensions"
        for value in values:
            out.append(
                Measurement(
                    field_name,
                    m.group(0),
                    (start, end),
                    param,
                    value,
                    value,
                    unit,
                    factor,
                    label or default_label,
                )
            )

    for m in rx.single.finditer(text):
        start, end = m.span()
        if not free(start, end):
            continue
        unit_text = m.group("u")
        if unit_text == "M" or (
            unit_text.lower() == "m"
            and m.group("b") is None
            and not m.group("ua")
            and re.match(r"[ \t]*[a-z]", text[end : end + 2] or "")
        ):
            continue
        unit, factor = _unit_info(unit_text, policy)
        low = to_float(m.group("a"))
        high = to_float(m.group("b")) if m.group("b") else low
        param, label = param_and_label(start, end)
        add(start, end, low, high, unit, factor, param, label)

    # numbers after a parameter name, with the unit declared once for the text ("Size (cm):")
    declared: list[tuple[int, str]] | None = None  # read at the first such number
    for start_p, end_p, name in sorted(_params_in(text, rx, unkeyed)):
        if name in BARE_NUMBER_EXCLUDED:
            continue
        bare = rx.bare_after_param.match(text, end_p)
        if not bare or not free(end_p, bare.end()):
            continue
        if declared is None:
            declared = [
                (d.start(), d.group("p") or d.group("q")) for d in rx.declared.finditer(text)
            ]
        start, end = bare.start("a"), bare.end()
        unit_text = next((u for at, u in reversed(declared) if at < start), None)
        unit, factor = _unit_info(unit_text, policy)
        low = to_float(bare.group("a"))
        high = to_float(bare.group("b")) if bare.group("b") else low
        window, _ = context(start_p)
        add(start, end, low, high, unit, factor, name, _label_before(window))
    return out


# --- the size chart -------------------------------------------------------------------------


def _chart_measurements(
    chart: SizeChart, policy: SizePolicy
) -> tuple[list[Measurement], set[str], set[str], list[frozenset[str]]]:
    rx = _compiled(policy)
    headers = [str(h or "") for h in chart.headers]
    chart_unit = chart.unit.strip() if chart.unit else None
    columns: list[tuple[int, str | None, str | None, bool]] = []  # (index, param, unit, is_label)
    for i, header in enumerate(headers):
        unit_m = rx.header_unit.search(header)
        header_unit = unit_m.group("u") if unit_m else None
        bare = re.sub(r"\(.*?\)", "", header).strip(" :：")
        param, _ = _last_param(bare, rx)
        is_label = (
            bool(policy.label_headers.pattern.fullmatch(bare.lower()))
            if policy.label_headers
            else False
        )
        if is_label or (
            param is None and not header_unit and (i == 0 or policy.label_headers.search(bare))
        ):
            columns.append((i, None, None, True))
        else:
            columns.append((i, param or "dimensions", header_unit or chart_unit, False))
    measurements: list[Measurement] = []
    labels: set[str] = set()
    params: set[str] = set()
    groups: list[frozenset[str]] = []
    for row in chart.rows:
        cells = [str(c).strip() if c is not None else "" for c in row]
        row_labels = []
        for i, _param, _unit, is_label in columns:
            if is_label and i < len(cells) and cells[i]:
                system = headers[i].strip().upper()
                value = cells[i]
                row_labels.append(normalise_label(value))
                if system in _SIZE_SYSTEMS and not value.upper().startswith(system):
                    row_labels.append(normalise_label(system + value))
        labels.update(row_labels)
        if row_labels:
            groups.append(frozenset(row_labels))
        label = row_labels[0] if row_labels else None
        for i, param, unit_text, is_label in columns:
            if is_label or i >= len(cells):
                continue
            m = rx.cell.fullmatch(cells[i])
            if not m:
                continue
            unit, factor = _unit_info(m.group("u") or unit_text, policy)
            low = to_float(m.group("a"))
            high = to_float(m.group("b")) if m.group("b") else low
            params.add(param or "dimensions")
            measurements.append(
                Measurement(
                    "size_chart",
                    f"{headers[i]}: {cells[i]}",
                    None,
                    param,
                    min(low, high),
                    max(low, high),
                    unit,
                    factor,
                    label,
                )
            )
    return measurements, labels, params, groups


# --- size tables written in free text ------------------------------------------------------

_TABLE_BAR = re.compile(r"[ \t]*[|\t│][ \t]*")
_TABLE_CELL_NUMBER = re.compile(
    rf"{NUM_ONCE}(?:[ \t]*{_RANGE_SEP}[ \t]*{NUM_ONCE})?[ \t]*[a-zA-Z\"”]{{0,6}}"
    # the same value in a second unit: "96cm/37.8in", "88cm (34.6\")"
    rf"(?:[ \t]*[/(\[][ \t]*{NUM_ONCE}(?:[ \t]*{_RANGE_SEP}[ \t]*{NUM_ONCE})?[ \t]*"
    rf"[a-zA-Z\"”]{{0,6}}[ \t]*[)\]]?)?"
)
#: A table row is short; longer lines are prose.
_TABLE_LINE_MAX = 200


def _table_cells(line: str) -> list[str]:
    """A table line cut into cells: at bars or tabs, else at spaces ("Bust(cm)" and a
    following "(cm)" stay with their name)."""
    line = line.strip().strip("|│").strip()
    if _TABLE_BAR.search(line):
        return [c.strip() for c in _TABLE_BAR.split(line)]
    cells: list[str] = []
    for token in line.split():
        if cells and token.startswith("("):
            cells[-1] += token
        else:
            cells.append(token)
    return cells


_HEADER_NOISE = re.compile(r"\(.*?\)|[:：]")


def _is_label_header(cell: str, policy: SizePolicy) -> bool:
    bare = _HEADER_NOISE.sub("", cell).strip().lower()
    return bool(bare) and bool(policy.label_headers.pattern.fullmatch(bare))


def _declared_unit(text: str, rx: _Regexes) -> str | None:
    found = [d.group("p") or d.group("q") for d in rx.declared.finditer(text)]
    return found[-1] if found else None


_SYSTEM_LABEL = r"(?:US|EU|UK|CN|JP|AU|BR|MX)[ \t]?\d{1,2}(?:[.,]5)?(?![\d.])"
#: One size named in several systems: "US 6 / EU 36", "EU 39 = UK 6 = US 7".
_LABEL_CHAIN = re.compile(rf"{_SYSTEM_LABEL}(?:[ \t]*[/=][ \t]*{_SYSTEM_LABEL})+", re.IGNORECASE)


def _equivalent_labels(text: str) -> list[frozenset[str]]:
    """Groups of labels the text gives as names of one size ("US 6 / EU 36")."""
    if "/" not in text and "=" not in text:
        return []  # every chain has one of them between its labels
    return [
        frozenset(normalise_label(p) for p in re.split(r"[ \t]*[/=][ \t]*", m.group(0)))
        for m in _LABEL_CHAIN.finditer(text)
    ]


#: A one- or two-digit size after the word "size": "Size 8 Toddler", "size 4:"; not one
#: closing a parenthesis, which names the measurement before it ("16.5mm (size 6), 17.3mm").
_SIZE_WORD_LABEL = re.compile(r"(?i:\bsize)[ \t]*[:：#]?[ \t]*(\d{1,2}(?:[.,]5)?)(?![\w.,])(?![ \t]*\))")


def _window_labels(window: str) -> list[str]:
    labels = [normalise_label(m.group(0)) for m in _LABEL.finditer(window)]
    labels += [normalise_label(m.group(1)) for m in _SIZE_WORD_LABEL.finditer(window)]
    return list(dict.fromkeys(labels))


def _row_label_groups(text: str, found: Sequence[Measurement]) -> list[frozenset[str]]:
    """Groups of labels a line gives one size before its measurements ("Tag Size: XL
    US Size: 14-16 Bust: 112cm", "S(US 4-6): Bust 94cm"): names of one size."""
    groups: list[frozenset[str]] = []
    prev_end = 0
    for m in sorted((m for m in found if m.span), key=lambda m: m.span or (0, 0)):
        start, end = m.span or (0, 0)
        floor = max(prev_end, text.rfind("\n", 0, start) + 1)
        prev_end = max(prev_end, end)
        if not m.param or start - floor > 80:
            continue
        labels = _window_labels(text[floor:start])
        if len(labels) >= 2:
            groups.append(frozenset(labels))
    return groups


def text_tables(text: str, policy: SizePolicy) -> list[SizeChart]:
    """Size tables written as lines of the text, read as size charts.

    Rows of sizes under a header of parameters ("Size | Bust | Length" then
    "S | 88 | 62"), or one line of sizes with a line of numbers per parameter
    ("Size: S M L" then "Bust: 88 92 96"). The unit is the header's ("Bust(cm)")
    or the one declared before the table ("Size Chart (cm):", "Unit: cm").
    """
    if not policy.label_headers:
        return []
    rx = _compiled(policy)
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    charts: list[SizeChart] = []
    i = 0
    while i < len(lines) - 1:
        cells = _table_cells(lines[i]) if len(lines[i]) <= _TABLE_LINE_MAX else []
        if len(cells) < 2 or not _is_label_header(cells[0], policy):
            i += 1
            continue
        unit = _declared_unit(text[max(0, offsets[i] - 200) : offsets[i + 1]], rx)
        chart, used = (
            _rows_table(cells, lines, i + 1, rx, unit, policy)
            or _columns_table(cells, lines, i + 1, rx, unit)
            or (None, 0)
        )
        if chart is not None:
            charts.append(chart)
        i += max(1, used)
    return charts


def _rows_table(
    header: list[str],
    lines: list[str],
    start: int,
    rx: _Regexes,
    unit: str | None,
    policy: SizePolicy,
) -> tuple[SizeChart, int] | None:
    """ "Size | Bust | Length" / "S | 88 | 62" / "M | 92 | 64" ..."""
    if any(_TABLE_CELL_NUMBER.fullmatch(h) for h in header[1:]):
        # a line of values ("Size S: Bust 86 cm, Length 95 cm"), not a header of names
        return None
    params = [_last_param(re.sub(r"\(.*?\)", "", h), rx)[0] for h in header[1:]]
    if not any(params):
        return None
    # a header names its columns: a sentence cut at its spaces ("Size: S/M/L. Recommended
    # according to your usual size.") is none, even when a next line has as many words
    named = sum(1 for h, p in zip(header[1:], params) if p or _is_label_header(h, policy))
    if 2 * named < len(header) - 1:
        return None
    rows: list[list[str | None]] = []
    for line in lines[start:]:
        cells = _table_cells(line) if len(line) <= _TABLE_LINE_MAX else []
        if len(cells) != len(header) or len(cells[0]) > 12:
            break
        if not any(_TABLE_CELL_NUMBER.fullmatch(c) for c in cells[1:]):
            break
        rows.append(list(cells))
    if not rows:
        return None
    return SizeChart(unit=unit, headers=header, rows=rows), len(rows) + 1


def _columns_table(
    header: list[str], lines: list[str], start: int, rx: _Regexes, unit: str | None
) -> tuple[SizeChart, int] | None:
    """ "Size: S M L" / "Bust: 88 92 96" / "Length: 62 64 66" ..."""
    labels = header[1:]
    if not all(_LABEL.fullmatch(c) for c in labels):
        return None
    names: list[str] = [header[0]]
    columns: list[list[str]] = []
    for line in lines[start:]:
        # "Fit Waist | cm | 66-76 | 76-83": the line's unit may stand in a cell of its own
        m = re.match(
            rf"\s*(?P<name>[^\d:：|]{{2,40}}?)\s*[:：|]?\s*(?:(?P<unit>{rx.unit})\s*[:：|]\s*)?(?=\d)",
            line,
            re.IGNORECASE,
        )
        if not m or _last_param(m.group("name"), rx)[0] is None:
            break
        values = [c for c in re.split(r"[ \t|/]+", line[m.end() :].strip()) if c]
        name = m.group("name").strip()
        if m.group("unit"):
            name = f"{name} ({m.group('unit')})"
        if len(values) != len(labels) or not all(_TABLE_CELL_NUMBER.fullmatch(v) for v in values):
            break
        names.append(name)
        columns.append(values)
    if not columns:
        return None
    rows: list[list[str | None]] = [
        [label, *(column[k] for column in columns)] for k, label in enumerate(labels)
    ]
    return SizeChart(unit=unit, headers=names, rows=rows), len(columns) + 1


# --- everything -----------------------------------------------------------------------------


def find_size_info(
    sources: Iterable[tuple[str, str]],
    chart: SizeChart | None,
    variant_sizes: Sequence[tuple[str, str]],
    policy: SizePolicy,
) -> SizeInfo:
    """Every measurement of the listing.

    ``sources`` are ``Facts.text_sources`` (the size chart's own text line is
    skipped: the chart is read from its structure); ``variant_sizes`` are
    (field, size) of the variants, whose leading label names the size a
    measurement inside it belongs to ("S (Bust 88 cm)").
    """
    measurements: list[Measurement] = []
    labels: set[str] = set()
    groups: list[frozenset[str]] = []
    rx = _compiled(policy)
    variant_size = dict(variant_sizes)
    for field_name, text in sources:
        if field_name in ("size_chart", "category", "brand") or not _DIGIT.search(text):
            continue  # every measurement has a figure: a text without digits has none
        # a variant's label is read only for the variant's texts that are read
        size = variant_size.get(field_name)
        label = _variant_label(size, rx) if size is not None else None
        found = _text_measurements(field_name, text, policy, label)
        measurements += found
        if field_name == "description":
            labels.update(m.label for m in found if m.label and m.param)
            groups += _equivalent_labels(text)
            for group in _row_label_groups(text, found):
                labels |= group
                groups.append(group)
            for table in text_tables(text, policy):
                table_ms, table_labels, _params, table_groups = _chart_measurements(table, policy)
                measurements += [dataclasses.replace(m, field=field_name) for m in table_ms]
                labels |= table_labels
                groups += table_groups
    has_chart = False
    params: set[str] = set()
    if chart is not None and chart.rows:
        has_chart = True
        chart_ms, chart_labels, params, chart_groups = _chart_measurements(chart, policy)
        measurements += chart_ms
        labels |= chart_labels
        groups += chart_groups
    return SizeInfo(
        tuple(measurements), frozenset(labels), has_chart, frozenset(params), tuple(groups)
    )


def _variant_label(size: str, rx: _Regexes) -> str | None:
    """The size label a variant's size starts with ("S (Bust 88 cm)" -> "S"); none when
    the size is itself a measurement ("60 cm")."""
    size = size.strip()
    if rx.single.match(size) or rx.dims.match(size):
        return None
    m = _LABEL.match(size)
    return normalise_label(m.group(0)) if m else None


def unit_at_end(text: str, policy: SizePolicy) -> str | None:
    """The length unit a quantity's text ends with ("120x120 cm" -> "cm")."""
    m = _compiled(policy).at_end.search(text)
    return m.group("u") if m else None


# --- quantities claimed in a title (SIZE-6) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quantity:
    """A size or amount: its dimension ("length", "weight", "volume", "area"), value in
    base units (cm, g, ml; an area/box is the product of its sides) and the text."""

    dimension: str
    value: float
    text: str
    span: tuple[int, int]


def find_quantities(
    text: str, policy: SizePolicy, default_unit: str | None = None
) -> list[Quantity]:
    """Sizes and amounts in a short text (a title or a variant's size).

    ``default_unit`` reads unitless dimensions ("30*30") in that length unit.
    """
    rx = _compiled(policy)
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for m in rx.dims.finditer(text):
        unit_text = m.group("u3") or m.group("u2") or m.group("u1") or default_unit
        _unit, factor = _unit_info(unit_text, policy)
        if factor is None:
            continue
        values = [to_float(v) * factor for v in (m.group("d1"), m.group("d2"), m.group("d3")) if v]
        product = 1.0
        for v in values:
            product *= v
        out.append(Quantity(f"box{len(values)}", product, m.group(0), m.span()))
        taken.append(m.span())
    for m in rx.single.finditer(text):
        if any(not (m.end() <= s or m.start() >= e) for s, e in taken) or m.group("b"):
            continue
        if m.group("u") == "M":
            continue
        _unit, factor = _unit_info(m.group("u"), policy)
        if factor is None:
            continue
        out.append(Quantity("length", to_float(m.group("a")) * factor, m.group(0), m.span()))
        taken.append(m.span())
    for m in rx.other.finditer(text):
        if any(not (m.end() <= s or m.start() >= e) for s, e in taken):
            continue
        key = m.group("u").lower() if m.group("u").lower() in policy.other_units else m.group("u")
        if key not in policy.other_units or m.group("u") == "L" and not text[: m.start()].strip():
            continue
        dimension, factor = policy.other_units[key]
        out.append(Quantity(dimension, to_float(m.group("a")) * factor, m.group(0), m.span()))
    return out
