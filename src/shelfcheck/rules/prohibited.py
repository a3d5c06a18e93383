"""RULEBOOK §1 Prohibited goods — reason ``prohibited``, doubt on the platform's side.

PROHIBITED-1 (the prohibited classes) and PROHIBITED-2 (sensitive claims).
The classes and their terms are policy data (``prohibited.yaml``); the rules
only apply them with ``analysis.terms``. A clear hit rejects; an unsure one
(pepper spray, kinesiology tape, a camera hidden in an earpiece) goes to
human review, never to a silent approval.
"""

from __future__ import annotations

from collections.abc import Iterator

from shelfcheck.analysis.terms import TermHit, best, find_group, find_groups, spans
from shelfcheck.facts import Facts
from shelfcheck.model import Doubt, Reason
from shelfcheck.policy import Policy, TermGroup
from shelfcheck.rule import Hit, rule

#: Fields that name what the product is; a prohibited term only in the description or the
#: variants is a doubt (a person looks), not a clear rejection.
_NAMING_FIELDS = ("title", "category")


def _sources(facts: Facts, policy: Policy) -> list[tuple[str, str]]:
    wanted = set(policy.prohibited.fields)
    return [
        (field, text)
        for field, text in facts.buyer_texts
        if field.split("[", 1)[0].split(".", 1)[0] in wanted
    ]


def _confidence(hit: TermHit, group: TermGroup, naming_only: bool) -> float:
    if not hit.sure or (naming_only and not hit.field.startswith(_NAMING_FIELDS)):
        return group.unsure_confidence
    return group.confidence


def _class_confidence(hit: TermHit, group: TermGroup, in_title: bool) -> float:
    """A category path names whole shelves ("Hookah & Hookah Flavours" above a glass
    hookah): a term only there, not in the title, is a doubt."""
    if hit.field.startswith("category") and not in_title:
        return group.unsure_confidence
    return _confidence(hit, group, naming_only=True)


def _for_it(hit: TermHit, texts: dict[str, str], policy: Policy) -> bool:
    """Outside the title, a term after an accessory cue names what the product is for
    ("cage for live birds", "detects counterfeit bills"), not the product."""
    if hit.field == "title":
        return False
    text = texts.get(hit.field, "")
    before = text[max(0, hit.span[0] - 40) : hit.span[0]]
    return bool(before and policy.prohibited.accessory_cues.search(before))


@rule("PROHIBITED-1", reason=Reason.PROHIBITED, doubt=Doubt.PLATFORM)
def product_is_prohibited(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """This product belongs to a class of goods that cannot be sold on Joom.

    ## What it checks
    The title, category, description and variants name goods of a prohibited
    class (policy data): weapons and ammunition, e-cigarettes and vapes,
    tobacco, medical devices, prescription drugs and narcotics, explosives and
    fireworks, counterfeit money, spy cameras disguised as everyday objects,
    adult sexual products, live animals, hazardous chemicals.
    Example: "Rechargeable Stun Gun Flashlight" and "Disposable Vape Pen 6000
    Puffs" fail; "Hot Glue Gun 20W", "Bath Bombs Gift Set", "Stunning Printed
    Cushion Cover" and "Smoke Grey Curtain" pass.

    ## Why
    RULEBOOK PROHIBITED-1 and §14 "Prohibited classes". Counterfeit branded
    goods are BRAND-1.

    ## Doubt
    Platform's side. A clear class term in the title rejects; in the category
    path alone (a shelf such as "Hookah & Hookah Flavours") it is a doubt. An
    unsure term (pepper spray, kinesiology tape, "gun" with no innocent use
    named, a camera hidden in an earpiece) in the title or category, or a clear
    term found only in the description or variants, goes to human review; an
    unsure word only in the description is not a hit, and neither is a
    description's mention when the title names an innocent use of the same
    class ("Insulin Cooler Travel Case" / "keeps insulin pens cool"), or a
    mention after an accessory cue ("cage for live birds").
    """
    sources = _sources(facts, policy)
    texts = dict(sources)
    title = facts.title.clean
    found: list[Hit] = []
    groups = list(policy.prohibited.classes.values())
    for group, group_hits in zip(groups, find_groups(groups, sources), strict=True):
        if not group_hits:  # most classes: nothing to weigh
            continue
        # An unsure word counts only where the product is named (title, category): in a
        # description "gun", "bomb" or "pistola" is mostly a colour, a shade or a toy.
        hits = [
            h for h in group_hits
            if (h.sure or h.field.startswith(_NAMING_FIELDS)) and not _for_it(h, texts, policy)
        ]
        named = [h for h in hits if h.field.startswith(_NAMING_FIELDS)]
        if hits and not named and spans(group.innocent, title, title.lower()):
            # The title names an innocent use ("Insulin Cooler Case", "Gun Safe"): the
            # description's mention ("keeps insulin pens cool") is what the product is for.
            continue
        if not hits:
            continue
        in_title = any(h.field == "title" for h in hits)
        scored = [(_class_confidence(h, group, in_title), h) for h in hits]
        confidence, hit = max(scored, key=lambda pair: pair[0])
        found.append(
            Hit(
                field=hit.field,
                evidence=hit.text,
                span=hit.span,
                confidence=confidence,
                message=f"Prohibited goods ({group.name}): \"{hit.text}\". This product cannot be sold on Joom.",
            )
        )
    # The surest class first ("Hookah Flavour": tobacco before the unsure "hookah").
    yield from sorted(found, key=lambda h: -h.confidence)


@rule("PROHIBITED-2", reason=Reason.PROHIBITED, doubt=Doubt.PLATFORM)
def listing_makes_sensitive_claim(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Remove the restricted claim ("military grade", "bulletproof") from the listing.

    ## What it checks
    The title, description or variants make a sensitive claim from the
    policy's list, in English or a common seller spelling ("军工级", "防弹").
    Example: "Military Grade Stainless Steel Tumbler", "Military-grade drop
    protection" and "Made of bulletproof fabric" fail; "Army Green",
    "Bullet Journal Dotted Notebook" and "ballistic nylon" pass.

    ## Why
    RULEBOOK PROHIBITED-2 and §14: "Military grade" and "bulletproof" claims
    reject as `prohibited`. A seller who believes it is a false positive
    appeals with a quality test report (REVIEW-4).

    ## Doubt
    Platform's side. A listed claim rejects wherever it is; a vaguer one
    ("military standard", "ballistic protection") goes to human review.
    """
    group = policy.prohibited.sensitive_claims
    hit = best(find_group(group, _sources(facts, policy)))
    if hit is not None:
        yield Hit(
            field=hit.field,
            evidence=hit.text,
            span=hit.span,
            confidence=_confidence(hit, group, naming_only=False),
            message=f"Restricted claim \"{hit.text}\": remove it, or appeal with a test report.",
        )


RULES = (product_is_prohibited, listing_makes_sensitive_claim)
