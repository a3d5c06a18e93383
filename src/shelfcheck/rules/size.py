"""RULEBOOK §8 Size chart — reason `size_chart`, doubt on the seller's side.

Size-chart goods are the kinds listed in ``size.yaml`` ``goods`` (clothing,
shoes, rings, bags, hats, socks, necklaces), read from ``facts.kinds``; the
measurements come from ``facts.size_info`` (every text source, the size chart's
structure and, once the photo analyses add it, text read from photos).

Required information (SIZE-1, SIZE-5) applies only when the kind is clear
(RULEBOOK §14). When a listing has photos and its text gives no size, the size
may be on a photo: the hit's confidence stays below the reject threshold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from shelfcheck.analysis.measures import (
    Measurement,
    SizeInfo,
    find_quantities,
    label_tokens,
    unit_at_end,
)
from shelfcheck.facts import Facts
from shelfcheck.model import Doubt, Reason
from shelfcheck.policy import Policy, SizeGoods
from shelfcheck.rule import Hit, rule

_KIND_NAMES = {
    "clothing": "clothing",
    "clothing_top": "tops and dresses",
    "clothing_bottom": "trousers, shorts and skirts",
    "shoes": "shoes",
    "ring": "rings",
    "bag": "bags",
    "hat": "hats",
    "socks": "socks",
    "necklace": "necklaces",
}
_PARAM_NAMES = {
    "chest": "chest/bust",
    "waist": "waist",
    "hip": "hips",
    "insole_length": "insole length",
    "foot_length": "foot length",
    "diameter": "inner diameter",
    "circumference": "circumference",
    "length": "length",
}


@dataclass(frozen=True, slots=True)
class _Relevant:
    """A measurement as it counts for one kind (its parameter filled in)."""

    m: Measurement
    param: str | None


def _goods(facts: Facts, policy: Policy) -> list[tuple[str, SizeGoods]]:
    """The listing's size-chart kinds, most specific only (socks, not also clothing)."""
    present = [k for k in policy.size.goods if k in facts.kinds]
    implied = {i for k in present for i in policy.kinds.implies.get(k, ())}
    return [(k, policy.size.goods[k]) for k in present if k not in implied]


def _relevant(facts: Facts, goods: SizeGoods) -> list[_Relevant]:
    """The measurements that say something about this kind's size."""
    out = []
    chart_pairs = _chart_pairs(facts.size_info.measurements) if goods.pair_param else set()
    for m in facts.size_info.measurements:
        if m.high <= 0:
            continue
        param = m.param
        if param is None or (param == "dimensions" and not _is_box(m)):
            # "Size: 17 mm" on a ring is its diameter, "60 cm" on a necklace its length,
            # "0-6 Months: 11cm" on baby shoes the insole; a value out of the kind's range
            # measures something else (a ring's "6mm" band width)
            if goods.default_param and _in_default_range(m, goods):
                param = goods.default_param
        if chart_pairs and m.span in chart_pairs:
            param = goods.pair_param
        if param in goods.ignore:
            continue
        out.append(_Relevant(m, param))
    return out


_PAIR = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*(?:cm|mm)?\s*[xX×*]\s*\d+(?:[.,]\d+)?\s*(?:cm|mm)?\s*$", re.IGNORECASE)


def _chart_pairs(measurements: Sequence[Measurement]) -> set[tuple[int, int] | None]:
    """The spans of unlabelled "A x B cm" pairs that make a chart: two rows at least
    ("S: 41x63cm / M: 44x68cm"); one pair alone may be the package's size."""
    spans = {
        m.span
        for m in measurements
        if m.param in (None, "dimensions") and _PAIR.match(m.evidence)
    }
    return spans if len(spans) >= 2 else set()


def _in_default_range(m: Measurement, goods: SizeGoods) -> bool:
    if goods.default_range_cm is None:
        return True
    cm = m.cm()
    if cm is None:
        return True
    low, high = goods.default_range_cm
    return low <= cm[0] and cm[1] <= high


def _is_box(m: Measurement) -> bool:
    """Whether the measurement is one side of "L x W x H" dimensions."""
    return any(sep in m.evidence for sep in ("x", "X", "×", "*"))


def _present(facts: Facts, goods: SizeGoods, relevant: list[_Relevant]) -> bool:
    if relevant:
        return True
    return facts.size_info.has_chart and goods.chart_without_measurements_counts


def _confidence(facts: Facts, policy: Policy) -> float:
    """Full when the text is all there is; lower when a photo may carry the size."""
    return policy.size.photo_doubt_confidence if facts.listing.photos else 1.0


def _kind_evidence(facts: Facts, kind: str) -> tuple[str, str]:
    ev = facts.kind_info.evidence.get(kind)
    return (ev.field, ev.text) if ev else ("title", facts.title.clean[:200])


@rule("SIZE-1", reason=Reason.SIZE_CHART, doubt=Doubt.SELLER)
def size_information_missing(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Add the sizes in centimetres (a size chart or measurements in the description).

    ## What it checks
    Goods that need a size chart (clothing, shoes, rings, bags, hats, necklaces)
    state no size anywhere: no measurement in the title, description, variants
    or size chart, and no chart. Size letters alone do not count for clothing:
    variants "S / M / L", "one size" or children's ages with no measurement fail;
    "Bag Size: Mini" is not a measurement. Example: a T-shirt with variants
    S/M/L and no chart fails; the same T-shirt with "S (Bust 88 cm)" passes.

    ## Why
    RULEBOOK SIZE-1 and §14 "Required information": size information must be in a
    photo, the description or the variants; clothing needs measurements.

    ## Doubt
    Seller's side. Absence is a clear violation when the listing has no photos;
    when it has photos the size may be on one, so the hit is a warning.
    """
    for kind, goods in _goods(facts, policy):
        if "SIZE-1" not in goods.when_missing:
            continue
        if _present(facts, goods, _relevant(facts, goods)):
            continue
        field, text = _kind_evidence(facts, kind)
        name = _KIND_NAMES.get(kind, kind)
        yield Hit(
            field=field,
            evidence=text,
            confidence=_confidence(facts, policy),
            message=f"No size information: {name} need measurements in centimetres "
            "(a size chart, or sizes in the description or variants).",
        )
        return


@rule("SIZE-2", reason=Reason.SIZE_CHART, doubt=Doubt.SELLER)
def sizes_not_metric(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Give the sizes in centimetres or millimetres, not only in inches.

    ## What it checks
    Size-chart goods whose measurements are all in inches or feet, with none in
    cm or mm. Other goods (curtains, posters, bedding) may be sized in inches.
    Example: a T-shirt chart "Bust (inch) 34.6" fails; "Bust (cm) 88 / (inch)
    34.6" passes; a "30 Inch" cooktop passes.

    ## Why
    RULEBOOK SIZE-2 and §14: inches-only sizes fail only for size-chart goods.

    ## Doubt
    Seller's side; units are read exactly, so a hit is clear.
    """
    for _kind, goods in _goods(facts, policy):
        measured = [r for r in _relevant(facts, goods) if r.m.unit]
        # the parameter the kind is sized by decides: a necklace "20 inch" long with a
        # "5 mm" wide chain is sized in inches only
        needed = [r for r in measured if r.param in goods.needs]
        relevant = [r.m for r in needed or measured]
        imperial = [m for m in relevant if m.imperial]
        if imperial and not any(m.metric for m in relevant):
            m = imperial[0]
            yield Hit(
                field=m.field,
                evidence=m.evidence,
                span=m.span,
                message=f'Sizes are given only in inches ("{m.evidence}"); '
                "state them in centimetres or millimetres.",
            )
            return


def _source_group(field: str) -> str:
    return "variants" if field.startswith("variants") else field


def _apart(a: Measurement, b: Measurement, policy: Policy) -> bool:
    ca, cb = a.cm(), b.cm()
    if ca is None or cb is None:
        return False
    gap = max(ca[0], cb[0]) - min(ca[1], cb[1])
    scale = max(ca[1], cb[1])
    return gap > max(policy.size.contradiction_cm, policy.size.contradiction_share * scale)


@rule("SIZE-3", reason=Reason.SIZE_CHART, doubt=Doubt.SELLER)
def sizes_contradict(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Make the size chart and the size descriptions agree.

    ## What it checks
    The same measurement of the same size is given differently in two places
    (size chart, description, variants, title). Example: the chart says M bust
    92 cm and the description says M bust 84 cm: fails. Repeating the same
    values passes; so do cm and inch columns that convert into each other.

    ## Why
    RULEBOOK SIZE-3: several charts or size descriptions must not contradict
    each other.

    ## Doubt
    Seller's side; only values further apart than the policy's tolerance count.
    """
    info = facts.size_info
    seen: set[str] = set()
    for _kind, goods in _goods(facts, policy) or [("", SizeGoods())]:
        items = [r for r in _relevant(facts, goods) if r.param and r.param != "dimensions"]
        for i, a in enumerate(items):
            param = a.param or ""
            for b in items[i + 1 :]:
                if b.param != param or param in seen:
                    continue
                ga, gb = _source_group(a.m.field), _source_group(b.m.field)
                if ga == gb or not _comparable(info, items, a, b, param):
                    continue
                if _apart(a.m, b.m, policy):
                    seen.add(param)
                    size = f" for size {a.m.label}" if a.m.label else ""
                    yield Hit(
                        field=b.m.field,
                        evidence=f"{a.m.field}: {a.m.evidence} / {b.m.field}: {b.m.evidence}",
                        span=b.m.span,
                        message=f"The {param.replace('_', ' ')}{size} is {a.m.evidence} in "
                        f"{a.m.field} but {b.m.evidence} in {b.m.field}; make them agree.",
                    )


def _comparable(
    info: SizeInfo, items: list[_Relevant], a: _Relevant, b: _Relevant, param: str
) -> bool:
    """Same size (by label), or both unlabelled and each source states one value."""
    if a.m.label and b.m.label:
        return info.same_size(a.m.label, b.m.label)
    if a.m.label or b.m.label:
        return False
    return _single(items, param, _source_group(a.m.field)) and _single(
        items, param, _source_group(b.m.field)
    )


def _single(items: list[_Relevant], param: str, group: str) -> bool:
    """Whether a source states exactly one value of this (unlabelled) parameter."""
    values = {
        (r.m.low, r.m.high, r.m.unit)
        for r in items
        if r.param == param and not r.m.label and _source_group(r.m.field) == group
    }
    return len(values) == 1


@rule("SIZE-4", reason=Reason.SIZE_CHART, doubt=Doubt.SELLER)
def variant_size_not_in_chart(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Add every size you sell to the size chart.

    ## What it checks
    A size chart (or a size guide in the description) lists sizes, and a
    variant's size is not among them. Example: variants S, M, L, XL, XXL with a
    chart for S to XL fail; "one size" and sizes that carry their own
    measurement ("S (Bust 88 cm)") pass.

    ## Why
    RULEBOOK SIZE-4: every variant's size appears in the chart / description /
    photo.

    ## Doubt
    Seller's side; a size missing from a given chart is clear.
    """
    info = facts.size_info
    labels = info.chart_labels
    if len(labels) < 2 or not (info.has_chart or _goods(facts, policy)):
        return
    missing: list[tuple[int, str]] = []
    seen: set[str] = set()
    limit = policy.meta.limits.max_variants
    measured = {m.field for m in info.measurements if m.field.startswith("variants")}
    for i, variant in enumerate(facts.listing.variants[:limit]):
        size = (variant.size or "").strip()
        if not size or size in seen or policy.size.no_size_labels.pattern.fullmatch(size.lower()):
            continue
        seen.add(size)
        if f"variants[{i}].size" in measured or len(size) > 20:
            continue
        tokens = label_tokens(size)
        if any(t in labels or any(info.same_size(t, x) for x in labels) for t in tokens):
            continue
        missing.append((i, size))
    if missing:
        i, size = missing[0]
        names = ", ".join(s for _, s in missing[:10])
        yield Hit(
            field=f"variants[{i}].size",
            evidence=size,
            message=f"The size chart has no measurements for size(s) {names}; "
            "add every size you sell.",
        )


@rule("SIZE-5", reason=Reason.SIZE_CHART, doubt=Doubt.SELLER)
def size_parameter_missing(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Add the measurement this kind of goods is sized by (chest, waist/hips, insole length ...).

    ## What it checks
    The chart or size description lacks the parameter the kind needs: tops and
    dresses the chest/bust; trousers, shorts and skirts the waist or hips; rings
    the inner diameter or circumference; hats the head circumference; socks the
    foot length ("39-42" EU shoe sizes are not one); shoes the insole length;
    necklaces the length. Example: a T-shirt chart with length and sleeve but no
    bust fails; socks "fits foot length 24-27 cm" pass.

    ## Why
    RULEBOOK SIZE-5 (and §14: children's clothing sized by age still needs it).

    ## Doubt
    Seller's side. Clear when the text is all there is; a warning when a photo
    may carry the measurement.
    """
    for kind, goods in _goods(facts, policy):
        if not goods.needs:
            continue
        relevant = _relevant(facts, goods)
        present = _present(facts, goods, relevant)
        if not present and "SIZE-5" not in goods.when_missing:
            continue
        if any(r.param in goods.needs for r in relevant):
            continue
        field, text = _kind_evidence(facts, kind)
        wanted = " or ".join(_PARAM_NAMES.get(p, p.replace("_", " ")) for p in goods.needs)
        confidence = _confidence(facts, policy)
        if _other_half_measured(facts, policy, kind, relevant):
            # a top-and-bottoms set measured by its top's chest (or its bottoms' waist) has
            # size information for the set: the missing half is a doubt, the seller's
            confidence = min(confidence, policy.size.photo_doubt_confidence)
        yield Hit(
            field=field,
            evidence=text,
            confidence=confidence,
            message=f"Size information for {_KIND_NAMES.get(kind, kind)} must include the "
            f"{wanted} (in cm or mm).",
        )


_SET_HALVES = {"clothing_top": "clothing_bottom", "clothing_bottom": "clothing_top"}


def _other_half_measured(
    facts: Facts, policy: Policy, kind: str, relevant: list[_Relevant]
) -> bool:
    other = _SET_HALVES.get(kind)
    if other is None or other not in facts.kinds or other not in policy.size.goods:
        return False
    needs = policy.size.goods[other].needs
    return any(r.param in needs for r in relevant)


def _one_variant_size(
    field: str, text: str, sizes: dict[int, list[str]], policy: Policy
) -> Hit | None:
    """A size claimed in ``text`` that is only the largest or smallest of the variants'
    sizes (``sizes``: variant index -> its size texts)."""
    claims = find_quantities(text, policy.size)
    for claim in claims:
        after = text[claim.span[1] : claim.span[1] + 3]
        before = text[max(0, claim.span[0] - 2) : claim.span[0]]
        if after.lstrip().startswith("/") or before.rstrip().endswith("/"):
            continue  # the alternatives are listed: "3m/5m/10m"
        if sum(1 for c in claims if c.dimension == claim.dimension) > 1:
            continue
        unit = unit_at_end(claim.text, policy.size)
        values: set[float] = set()
        for texts in sizes.values():
            found = [
                q.value
                for size in texts
                for q in find_quantities(size, policy.size, default_unit=unit)
                if q.dimension == claim.dimension
            ]
            if len(found) == 1:
                values.add(round(found[0], 6))
        if len(values) < 2:
            continue
        low, high = min(values), max(values)
        close = max(abs(claim.value) * 0.01, 1e-9)
        if abs(claim.value - high) <= close or abs(claim.value - low) <= close:
            which = "largest" if abs(claim.value - high) <= close else "smallest"
            place = "title" if field == "title" else f"photo ({field})"
            return Hit(
                field=field,
                evidence=claim.text,
                span=claim.span,
                message=f'The {place} says "{claim.text}", but that is only the {which} of '
                f"the {len(values)} variant sizes; name the range or leave the size out.",
            )
    return None


@rule("SIZE-6", reason=Reason.SIZE_CHART, doubt=Doubt.SELLER)
def title_size_is_one_variant(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Do not put one variant's size in the title (or on a photo) when the variants come
    in several sizes.

    ## What it checks
    The title, or the text read on a photo, claims a size or amount (a length,
    "120x120 cm", "100 Gram") and the variants come in several sizes of that
    kind, of which the claim is only the largest or the smallest. Example:
    title "Blanket 120x120 cm" (or "120x120 cm" printed on the main photo)
    with variants 60x60 / 80x80 / 120x120 cm fails; "Tape 2cm X 3m/5m/10m"
    listing every variant, or a single variant matching the title, passes.

    ## Why
    RULEBOOK SIZE-6 (§14: a size in the title that is only the largest or
    smallest variant is `size_chart`; a differing quantity is `inconsistent`);
    issue 4 reads the same claim on photos.

    ## Doubt
    Seller's side; the sizes are compared exactly, so a misread figure on a
    photo that matches no variant's extreme size is no hit.
    """
    sizes: dict[int, list[str]] = {}
    for field, text in facts.variant_texts:
        if field.endswith(".color"):
            continue
        index = int(field.split("[", 1)[1].split("]", 1)[0])
        sizes.setdefault(index, []).append(text)
    if len(sizes) < 2:
        return
    for field, text in [("title", facts.title.clean), *facts.photo_texts]:
        hit = _one_variant_size(field, text, sizes, policy)
        if hit is not None:
            yield hit
            return


RULES = (
    size_information_missing,
    sizes_not_metric,
    sizes_contradict,
    variant_size_not_in_chart,
    size_parameter_missing,
    title_size_is_one_variant,
)
