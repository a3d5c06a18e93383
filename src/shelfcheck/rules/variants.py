"""RULEBOOK §9 Variants — reason `variants`, doubt on the seller (merchant).

Text rules read the variants' own fields (colour, size, attributes, photo
reference). Rules that need to look at variant photos (VARIANT-1, VARIANT-2,
VARIANT-4) go in ``PHOTO_RULES``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from shelfcheck.facts import Facts
from shelfcheck.model import Doubt, Reason, Variant
from shelfcheck.photos.analysis import pdq_distance, shape_similarity
from shelfcheck.photos.claims import colour_words, hue_distance, named_hue, same_picture_groups
from shelfcheck.policy import Policy
from shelfcheck.rule import Hit, Rule, rule

_SPACES = re.compile(r"[\s_]+")
# "750 ml" / "750ml", "40 x 40" / "40x40", "Light-Blue" / "Light Blue": written apart.
_NUMBER_UNIT = re.compile(r"(?<=\d) (?=[^\W\d_])")
_TIMES = re.compile(r"(?<=\d) ?[x×*] ?(?=\d)")
_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")


def _norm(value: object) -> str:
    if value is None:
        return ""
    text = _SPACES.sub(" ", _HYPHEN.sub(" ", str(value))).strip().casefold()
    return _TIMES.sub("x", _NUMBER_UNIT.sub("", text))


def variant_identity(variant: Variant) -> tuple[str, str, str, tuple[tuple[str, str], ...]]:
    """What tells a variant apart: colour, size, photo, attributes and the lot quantity
    (1 towel / 6 towels differ: that is INCONSISTENT-4's case), case and spaces ignored
    ("750 ml" is "750ml", "40 x 40" is "40x40", "Light-Blue" is "Light Blue")."""
    attributes = tuple(
        sorted((_norm(k), _norm(v)) for k, v in variant.attributes.items() if _norm(v))
    )
    if variant.quantity is not None:
        attributes = (*attributes, ("\x00quantity", str(variant.quantity)))
    return (_norm(variant.color), _norm(variant.size), _norm(variant.photo), attributes)


@rule("VARIANT-3", reason=Reason.VARIANTS, doubt=Doubt.SELLER)
def variants_duplicated(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Remove the repeated variant: two variants have the same colour, size and photo.

    ## What it checks
    Two variants whose colour, size, attributes, photo and lot quantity are
    all the same, ignoring case and extra spaces ("750 ml" / "750ml", "40 x 40" /
    "40x40", "Light-Blue" / "Light Blue" are the same; the price does not tell
    variants apart; a different quantity does).
    Variants that state nothing at all are not compared. Example: variants
    "black / M" and "Black / M " fail; "black / M" and "white / M" pass.

    ## Why
    RULEBOOK VARIANT-3: no two variants are identical (same colour, size and
    photo); a buyer cannot tell which one to choose.

    ## Doubt
    Seller's side. Equal fields are an exact check, so a repeat is clear.
    """
    seen: dict[tuple[str, str, str, tuple[tuple[str, str], ...]], int] = {}
    limit = policy.meta.limits.max_variants
    for i, variant in enumerate(facts.listing.variants[:limit]):
        key = variant_identity(variant)
        if not any(key[:3]) and not key[3]:
            continue
        if key in seen:
            first = seen[key]
            label = " / ".join(p for p in (variant.color, variant.size) if p) or "the same values"
            yield Hit(
                field=f"variants[{i}]",
                evidence=f"variants[{first}] and variants[{i}]: {label}"[:300],
                confidence=policy.variants.duplicate_confidence,
                message=f"Variants {first + 1} and {i + 1} are identical ({label[:80]}); "
                "remove the repeat or tell them apart.",
            )
        else:
            seen[key] = i


def _variant_colours(facts: Facts, policy: Policy) -> dict[int, frozenset[str]]:
    hues = policy.photo.variants.hues
    return {
        i: colour_words(v.color, hues)
        for i, v in enumerate(facts.listing.variants[: policy.meta.limits.max_variants])
        if colour_words(v.color, hues)
    }


@rule("VARIANT-1", reason=Reason.VARIANTS, doubt=Doubt.SELLER, needs_photos=True)
def variant_colours_not_shown(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Not every colour variant is shown: give each colour a photo of that colour.

    ## What it checks
    Variants with different colour names, when the seller gives variant photos:
    the distinct pictures (PDQ hash) among those variants' photos must be at
    least as many as the colours. Example: "Green", "Purple", "Orange" with one
    photo between them fails; three colours with three photos pass.

    ## Why
    RULEBOOK VARIANT-1: every visually different variant is shown on the photos.

    ## Doubt
    Merchant side; listings without any variant photo are not judged here.
    """
    colours = _variant_colours(facts, policy)
    photos = {i: p for i, p in facts.variant_photos.items() if p.ok and i in colours}
    if len(set(colours.values())) < 2 or not photos:
        return
    groups = same_picture_groups(photos.items(), policy.photo.thresholds.identical_distance)
    if len(groups) < len(set(colours.values())):
        missing = [i for i in colours if i not in photos] or [g[-1] for g in groups if len(g) > 1]
        yield Hit(
            field=f"variants[{missing[0]}]",
            evidence=(
                f"{len(set(colours.values()))} colours "
                f"({', '.join(sorted({w for c in colours.values() for w in c}))}) "
                f"shown by {len(groups)} distinct photo(s)"
            ),
            confidence=0.9,
            message="not every colour variant has a photo of that colour",
        )


@rule("VARIANT-2", reason=Reason.VARIANTS, doubt=Doubt.SELLER, needs_photos=True)
def variant_photo_contradicts_colour(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """A variant's photo shows another colour than its name: fix the photo or the colour.

    ## What it checks
    The dominant hue of each variant photo against the hue of the variant's
    colour name (``photo.variants.hues``): a hue far from its own colour and
    nearer another variant's colour contradicts it. Example: the "Green"
    variant showing the blue curtain fails; a matching photo passes.

    ## Why
    RULEBOOK VARIANT-2: variant photos do not contradict the variants' colours.

    ## Doubt
    Merchant side: greyish photos and colours without a known hue are not judged.
    """
    cfg = policy.photo.variants
    colours = _variant_colours(facts, policy)
    named = {i: named_hue(c, cfg.hues) for i, c in colours.items()}
    for i, photo in facts.variant_photos.items():
        own = named.get(i)
        if own is None or not photo.ok or photo.dominant_hue is None:
            continue
        gap = hue_distance(own, photo.dominant_hue)
        if gap <= cfg.max_hue_distance:
            continue
        others = [
            (hue_distance(h, photo.dominant_hue), j) for j, h in named.items()
            if h is not None and j != i and colours[j] != colours[i]
        ]
        if others and min(others)[0] < gap and min(others)[0] <= cfg.max_hue_distance:
            other = min(others)[1]
            yield Hit(
                field=f"variants[{i}].photo",
                evidence=(
                    f"variant colour {facts.listing.variants[i].color!r} but the photo's "
                    f"dominant hue is {photo.dominant_hue:.0f}°, the colour of "
                    f"variants[{other}] ({facts.listing.variants[other].color!r})"
                ),
                confidence=0.9,
                message=f"the photo of variant {i + 1} shows another colour than its name",
            )


@rule("VARIANT-4", reason=Reason.VARIANTS, doubt=Doubt.SELLER, needs_photos=True)
def variant_photo_unrelated(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """A variant's photo looks unrelated to the main photos: check it shows this product.

    ## What it checks
    Each variant photo that is not one of the main photos is compared with every
    main photo by PDQ hash and by shape (edge orientations, unchanged by a colour
    shift and close under a mirror). A photo sharing nothing with any main photo
    may show another kind of product. Example: a cushion-cover variant carrying a
    photo of a USB lamp is flagged; a mirrored or recoloured copy of the main
    photo is not.

    ## Why
    RULEBOOK VARIANT-4: a variant may carry photos that are not among the main
    photos, but only of the same kind of product.

    ## Doubt
    Merchant side. Telling "another angle of the same product" from "another kind
    of product" needs image understanding this project does not ship, so the hit
    is a warning (``photo.variants.unrelated_confidence``), not a rejection.
    """
    cfg = policy.photo.variants
    mains = [p for p in facts.photos if p.ok]
    if not mains:
        return
    shas = {p.sha256 for p in mains}
    for i, photo in facts.variant_photos.items():
        if not photo.ok or photo.sha256 in shas:
            continue
        best_shape = max(shape_similarity(photo.shape, m.shape) for m in mains)
        best_pdq = min(pdq_distance(photo.pdq, m.pdq) for m in mains)
        if best_shape < cfg.unrelated_max_shape and best_pdq > cfg.unrelated_min_pdq:
            yield Hit(
                field=f"variants[{i}].photo",
                evidence=(
                    f"shape similarity {best_shape:.2f} (under {cfg.unrelated_max_shape}) and "
                    f"PDQ distance {best_pdq} (over {cfg.unrelated_min_pdq}) to every main photo"
                ),
                confidence=cfg.unrelated_confidence,
                message=f"the photo of variant {i + 1} looks unrelated to the main photos; "
                "make sure it shows this product",
            )


TEXT_RULES: tuple[Rule, ...] = (variants_duplicated,)
PHOTO_RULES: tuple[Rule, ...] = (
    variant_colours_not_shown,
    variant_photo_contradicts_colour,
    variant_photo_unrelated,
)

RULES: tuple[Rule, ...] = (*TEXT_RULES, *PHOTO_RULES)
