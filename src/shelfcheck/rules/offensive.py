"""RULEBOOK §2 Offensive content — reason ``offensive``, doubt on the platform's side.

OFFENSIVE-1 on text (title, description, variants); offensive photos are the
photo group's. The words and their innocent uses are policy data
(``offensive.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterator

from shelfcheck.analysis.terms import TermHit, find_groups
from shelfcheck.analysis.text import words
from shelfcheck.facts import Facts
from shelfcheck.model import Doubt, Reason
from shelfcheck.policy import OffensivePolicy, Policy, TermGroup
from shelfcheck.rule import Hit, rule

#: Fields read: what the merchant wrote for buyers (a category name is the platform's).
_FIELDS = ("title", "description", "variants")


def _aimed(hit: TermHit, text: str, policy: OffensivePolicy) -> bool:
    """The word is aimed at a person: "stupid bitch", "fat pigs who ..."."""
    n = policy.aim_window_words
    before = " ".join(words(text[: hit.span[0]])[-n:])
    after = " ".join(words(text[hit.span[1] :])[:n])
    return bool(
        (before and any(m.end() == len(before) for m in policy.aimed_before.finditer(before)))
        or (after and any(m.start() == 0 for m in policy.aimed_after.finditer(after)))
    )


def _confidence(name: str, group: TermGroup, hit: TermHit, text: str, policy: OffensivePolicy) -> float:
    if hit.sure:
        return group.confidence
    if name in policy.aimed_groups and _aimed(hit, text, policy):
        return policy.aimed_confidence
    return group.unsure_confidence


@rule("OFFENSIVE-1", reason=Reason.OFFENSIVE, doubt=Doubt.PLATFORM)
def text_is_offensive(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Remove the obscene or hateful words from the listing.

    ## What it checks
    The title, description and variants contain obscene words, slurs or
    hateful slogans aimed at people (English and common seller languages).
    Example: "'Fuck You' Middle Finger Mug", "'Stupid Bitch' Slogan Tee",
    "'Immigrants Go Home' Pillow Cover" fail; "Pussy Willow Pattern Cup",
    "Pudding Basin for Spotted Dick", "Whelping Blanket for Nursing Bitch and
    Puppies" and "Rooster Cock Figurine" pass.

    ## Why
    RULEBOOK OFFENSIVE-1 and §14 "Offensive": obscene or hateful words aimed
    at people fail; innocent uses must not be rejected.

    ## Doubt
    Platform's side. Obscenities, slurs and hateful slogans reject. A word
    that is offensive only in some uses ("bitch", "dick", "cock", "shit") rejects
    when aimed at a person, is dropped with an innocent use in the listing, and
    otherwise goes to human review, as does a censored slogan ("F*ck").
    """
    off = policy.offensive
    sources = [(f, t) for f, t in facts.buyer_texts if f.startswith(_FIELDS)]
    texts = dict(sources)
    context = "\n".join(t for _, t in sources)
    best_hit: tuple[float, TermHit, str] | None = None
    named = list(off.groups.items())
    found = find_groups([group for _, group in named], sources, context)
    for (name, group), hits in zip(named, found, strict=True):
        for hit in hits:
            conf = _confidence(name, group, hit, texts[hit.field], off)
            if best_hit is None or conf > best_hit[0]:
                best_hit = (conf, hit, group.name)
    if best_hit is not None:
        conf, hit, kind = best_hit
        yield Hit(
            field=hit.field,
            evidence=hit.text,
            span=hit.span,
            confidence=conf,
            message=f"Offensive content ({kind}): \"{hit.text}\". Remove it from the listing.",
        )


RULES = (text_is_offensive,)
