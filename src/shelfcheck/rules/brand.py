"""RULEBOOK §3 Brands — reason ``brand``, doubt on the seller's side.

BRAND-1 (a counterfeit signal with a brand) on text, and the BRAND-3 quality
hint (a good title carries brand + model + key parameters). BRAND-2 (photos
similar to official brand imagery) needs photos and is the photo group's.
Brands, signals and their innocent uses are policy data (``brands.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from shelfcheck.analysis.terms import (
    TermHit,
    find_in_text,
    literals_in,
    may_occur,
    overlaps,
    patterns_match,
    spans,
)
from shelfcheck.facts import Facts
from shelfcheck.model import Doubt, Reason
from shelfcheck.photos import bank as photo_bank
from shelfcheck.policy import BrandPolicy, Policy
from shelfcheck.rule import Hit, rule

Span = tuple[int, int]

#: Between a brand and an ``after_brand`` signal: nothing, or a model number ("New Balance
#: 550 Style", "Air Max 90-style").
_MODEL_GAP = re.compile(r"[\s-]{0,2}(?:[A-Za-z]{0,3}\d[\w.]{0,4}[\s-]{1,2})?")
#: A signal followed by a colon is an attribute's label ("Style: In-ear").
_LABEL_AFTER = re.compile(r"\s*[:：]")


def brand_spans(text: str, policy: BrandPolicy) -> list[Span]:
    """Protected brands named in ``text`` as the product's brand: a brand right after a
    compatibility cue ("for iPhone 15", "compatible with Samsung") is not one."""
    found = spans(policy.protected, text, text.lower())
    found += spans(policy.protected_marks, text)
    out: list[Span] = []
    for start, end in found:
        before = text[max(0, start - 40) : start].rstrip(" ,;:-/&").lower()
        cues = [m for m in policy.compatibility_cues.finditer(before) if m.end() == len(before)]
        # "for MacBook and Dell": a brand in a list after a cue is a compatibility mention too.
        listed = before.endswith((" and", " or")) and any(
            policy.compatibility_cues.finditer(before)
        )
        if not cues and not listed:
            out.append((start, end))
    return out


def _denied(hit: TermHit, text: str, policy: BrandPolicy) -> bool:
    """The signal is denied ("100% original, not fake", "beware of replicas")."""
    before = text[max(0, hit.span[0] - 30) : hit.span[0]]
    return bool(before and policy.negations.search(before))


def _distance(a: Span, b: Span) -> int:
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


@rule("BRAND-1", reason=Reason.BRAND, doubt=Doubt.SELLER)
def listing_signals_counterfeit(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Do not offer copies of a brand: remove the brand or the counterfeit wording.

    ## What it checks
    A protected brand and a counterfeit signal ("replica", "AAA quality",
    "1:1 copy", "fake", "inspired", Vietnamese "bản S.Cấp") in the same field.
    Example: "Gucci Replica Ankle Boots", "LV Monogram Inspired Bag AAA
    Quality" and "Stanley Quencher Tumbler 1:1 Copy" fail; "Tempered Glass for
    iPhone 15 Pro", "Compatible with Samsung Galaxy S23", "Replacement Cover
    for IKEA Ektorp" and "Faux Fur Coat" pass, and so does a brand named with
    no counterfeit word, and so does a denied signal ("100% original, not
    fake", "beware of replicas").

    ## Why
    RULEBOOK BRAND-1 and §14 "Counterfeit". A brand named for compatibility
    is not a brand claim; a `brand` field that reads "AAA" is not a signal.

    ## Doubt
    Seller's side. A signal with a brand in the same field rejects; "inspired"
    and "1:1" count only right next to the brand, "style" only straight after it
    ("Nike-style Shorts", not "Street Style Nike Sneakers"). A signal whose brand is only in
    another field, or a vague one ("dupe", "imitation"), is a warning.
    """
    bp = policy.brands
    sources = [(f, t) for f, t in facts.buyer_texts if not f.startswith("category")]
    lowered = "\n".join(t for _, t in sources).lower()
    # Patterns run on the text as written: some are case-sensitive ("AAA+").
    if not (may_occur(bp.signals.terms, lowered) or may_occur(bp.signals.unsure, lowered)
            or may_occur(bp.near_signals.terms, lowered) or may_occur(bp.after_brand, lowered)):
        seen = literals_in(sources)
        if not (patterns_match(bp.signals.patterns, sources, seen)
                or patterns_match(bp.near_signals.patterns, sources, seen)):
            return
    brands = {f: brand_spans(t, bp) for f, t in sources}
    any_brand = next((f for f, spans in brands.items() if spans), None)
    if any_brand is None:
        return
    best: tuple[float, TermHit] | None = None
    for field, text in sources:
        for hit in find_in_text(bp.signals, field, text):
            if _denied(hit, text, bp):
                continue
            here = [b for b in brands[field] if not overlaps(b, [hit.span])]
            if here and hit.sure:
                conf = bp.signals.confidence
            elif here or any(brands.values()):
                conf = bp.other_field_confidence
            else:
                continue
            if best is None or conf > best[0]:
                best = (conf, hit)
        for hit in find_in_text(bp.near_signals, field, text):
            if _denied(hit, text, bp):
                continue
            if any(_distance(b, hit.span) <= bp.near_chars for b in brands[field]):
                conf = bp.near_signals.confidence
                if best is None or conf > best[0]:
                    best = (conf, hit)
        if best is None and brands[field] and bp.after_brand:
            for match in bp.after_brand.pattern.finditer(text):
                start = match.start()
                if _LABEL_AFTER.match(text, match.end()):
                    continue  # "Brand Name: JBL Style: In-ear": a label, not a claim
                if any(0 <= start - end <= 12 and _MODEL_GAP.fullmatch(text[end:start]) for _, end in brands[field]):
                    best = (bp.near_signals.confidence, TermHit(field, match.span(), match.group(0), True))
                    break
    if best is not None:
        conf, hit = best
        yield Hit(
            field=hit.field,
            evidence=hit.text,
            span=hit.span,
            confidence=conf,
            message=f"Counterfeit signal \"{hit.text}\" next to a brand: sell only genuine, authorised goods.",
        )


@rule("BRAND-3", reason=Reason.BRAND, doubt=Doubt.SELLER, kind="quality")
def title_lacks_brand_model_parameters(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Name the brand, the model and the key parameters in the title.

    ## What it checks
    For a listing with a brand, the title should carry the brand, a model
    designation and a key parameter (a figure with its unit).
    Example: "Xiaomi Redmi Note 12 6GB+128GB" is complete; brand "Xiaomi"
    with the title "Smartphone" lacks all three.

    ## Why
    RULEBOOK BRAND-3 (article): a good title carries brand + model + key
    parameters. A quality hint, never a rejection.

    ## Doubt
    A warning only; it takes points off the quality score.
    """
    bp = policy.brands
    brand = (facts.listing.brand or "").strip()
    if not brand or (bp.not_brands and bp.not_brands.pattern.fullmatch(brand)):
        return
    title = facts.title.clean
    missing = []
    if brand.lower() not in title.lower():
        missing.append("the brand")
    if not bp.model.search(title):
        missing.append("a model")
    if not bp.key_parameter.search(title):
        missing.append("key parameters")
    if missing:
        yield Hit(
            field="title",
            evidence=title[:200],
            message=f"A good title names the brand, model and key parameters; add {', '.join(missing)}.",
            points=bp.quality_points * len(missing),
        )


@rule("BRAND-2", reason=Reason.BRAND, doubt=Doubt.SELLER, needs_photos=True)
def photo_copies_brand_imagery(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """A photo copies a brand's official imagery: use your own photos of the product.

    ## What it checks
    The PDQ hash of each photo against the brand bank (``brand_bank.yaml``, filled
    with ``shelfcheck bank add``): within ``reject_distance`` bits it is the brand's
    image (reject), within ``review_distance`` a warning. Example: a brand's press
    photo re-uploaded fails; the seller's own photo of the same product passes.

    ## Why
    RULEBOOK BRAND-2: a photo more than 70 % similar to the brand's official
    product imagery is treated as infringement.

    ## Doubt
    Seller side: a near but not close match is only a warning. The bank starts empty.
    """
    bank = policy.brand_bank
    for i, photo in enumerate(facts.photos):
        found = photo_bank.nearest(photo, bank) if photo.ok else None
        if found is None or found[0] > bank.review_distance:
            continue
        distance, entry = found
        yield Hit(
            field=f"photos[{i}]",
            evidence=f"PDQ distance {distance} to {entry.brand!r} bank image {entry.source!r}",
            confidence=0.9 if distance <= bank.reject_distance else 0.5,
            message=f"photos[{i}] copies {entry.brand}'s official imagery; use your own photo",
        )


RULES = (listing_signals_counterfeit, photo_copies_brand_imagery, title_lacks_brand_model_parameters)
