"""RULEBOOK §4 Special goods — reason ``other``, doubt on the seller's side.

SPECIAL-1..3 (capacities that are fake: comment ``Misleading Info``) and
SPECIAL-4 (goods not sold on Joom: comment ``Prohibited on Joom``). The
capacities come from ``analysis.capacity`` through the facts; the kinds of
goods, the limits and the not-sold list are policy data (``special.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from shelfcheck.analysis.capacity import Figure, not_own
from shelfcheck.analysis.terms import find_groups
from shelfcheck.facts import Facts
from shelfcheck.model import Doubt, Reason
from shelfcheck.policy import Policy, TermSet
from shelfcheck.rule import Hit, rule

MISLEADING = "Misleading Info"
NOT_SOLD = "Prohibited on Joom"

#: A kind of goods named in the title or category is clear; only in the description it is
#: a doubt (the seller's side: a warning).
_CLEAR = 0.9
_UNSURE = 0.5


def _names(facts: Facts, terms: TermSet) -> float:
    """How surely the listing is of the kind ``terms`` names: clear from the title or
    category, unsure from the description only, 0 when not named."""
    if terms.search(facts.title.clean) or terms.search(facts.category):
        return _CLEAR
    if terms.search(facts.description.clean):
        return _UNSURE
    return 0.0


def _first(
    facts: Facts, figures: Sequence[Figure], over: float, inclusive: bool = False
) -> Figure | None:
    """The first figure above ``over`` that is the product's own (not "2TB cloud storage")."""
    texts = dict(facts.capacity_texts)
    context = facts.policy.special.not_capacity
    for fig in figures:
        above = fig.value > over or (inclusive and fig.value == over)
        if above and not not_own(fig, texts.get(fig.field, ""), context or None):
            return fig
    return None


def _title_states_within(figures: Sequence[Figure], fig: Figure | None, over: float,
                         inclusive: bool = False) -> bool:
    """``fig`` is only in the description while the title states a capacity within the
    limit ("USB Flash Drive 256GB" / "works with hard drives up to 2TB"): the description's
    figure is most likely another device's, so it is a doubt (the seller's side: a warning)."""
    if fig is None or fig.field != "description":
        return False
    return any(
        f.field == "title" and (f.value < over or (f.value == over and not inclusive))
        for f in figures
    )


def _capacity_hit(fig: Figure | None, confidence: float, message: str) -> Iterator[Hit]:
    """The hit for a stated capacity over the limit; ``{fig}`` in ``message`` is the figure."""
    if fig is not None:
        yield Hit(
            field=fig.field,
            evidence=fig.text,
            span=fig.span,
            confidence=confidence,
            message=message.format(fig=fig.text),
        )


@rule("SPECIAL-1", reason=Reason.OTHER, doubt=Doubt.SELLER, comment=MISLEADING)
def flash_drive_capacity_is_fake(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """USB flash drives of 512 GB or more are not accepted: such capacities are fake.

    ## What it checks
    A USB flash drive (USB stick, pen drive, thumb drive, "флешка") stating a
    capacity of 512 GB or more in its title, variants or description.
    Example: "2TB Pen Drive", "512GB USB Stick" and "Memory Stick 1000GB
    Pendrive" fail; "256 GB Pen Drive", "512GB Portable SSD", "1TB microSDXC
    Memory Card" and "2TB External Hard Drive" pass.

    ## Why
    RULEBOOK SPECIAL-1 and §14 "Special goods": 512 GB is rejected too
    (guideline §4); memory cards, SSDs and hard drives are not flash drives.

    ## Doubt
    Seller's side. A flash drive named in the title or category rejects; one
    named only in the description, or a title that also names an SSD, card or
    hard drive, is a warning, and so is a figure only in the description when
    the title states a capacity below 512 GB. A figure that is not the drive's
    own ("64GB with 2TB cloud storage", "supports up to 2TB", "2TB hard
    drives") is not read.
    """
    sp = policy.special
    sure = _names(facts, sp.flash_drive)
    if not sure:
        return
    if sp.not_flash_drive.search(facts.title.clean) or sp.not_flash_drive.search(facts.category):
        sure = _UNSURE
    fig = _first(facts, facts.storage_gb, sp.flash_drive_min_gb, inclusive=True)
    if _title_states_within(facts.storage_gb, fig, sp.flash_drive_min_gb, inclusive=True):
        sure = min(sure, _UNSURE)
    yield from _capacity_hit(
        fig,
        sure,
        f"A USB flash drive of {{fig}} is misleading: flash drives of "
        f"{sp.flash_drive_min_gb:g} GB or more are not accepted.",
    )


@rule("SPECIAL-2", reason=Reason.OTHER, doubt=Doubt.SELLER, comment=MISLEADING)
def power_bank_capacity_is_fake(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Power banks above 50000 mAh are not accepted: such capacities are fake.

    ## What it checks
    A power bank stating more than 50000 mAh in its title, variants or
    description ("60000mAh", "100 000 mAh", "80Ah").
    Example: "Portable 60000mAh Power Bank" and "50001mAh Power Bank" fail;
    "50000mAh Power Bank" and "30000mAh Power Bank" pass.

    ## Why
    RULEBOOK SPECIAL-2 and §14: 50000 mAh passes, 50001 and above fails.

    ## Doubt
    Seller's side. A power bank named in the title or category rejects; one
    named only in the description is a warning, and so is a figure only in the
    description when the title states 50000 mAh or less.
    """
    sp = policy.special
    sure = _names(facts, sp.power_bank)
    if not sure:
        return
    fig = _first(facts, facts.battery_mah, sp.power_bank_max_mah)
    if _title_states_within(facts.battery_mah, fig, sp.power_bank_max_mah):
        sure = min(sure, _UNSURE)
    yield from _capacity_hit(
        fig,
        sure,
        f"A power bank of {{fig}} is misleading: more than "
        f"{sp.power_bank_max_mah:g} mAh is not accepted.",
    )


@rule("SPECIAL-3", reason=Reason.OTHER, doubt=Doubt.SELLER, comment=MISLEADING)
def screen_glass_grade_is_fake(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Screen glass advertised above 5D is not accepted: such grades are fake.

    ## What it checks
    Phone screen glass (tempered glass, screen protector) advertised with a
    grade above 5D in its title, variants or description.
    Example: "9D Tempered Glass", "21D Tempered Glass" and "Type 10D Tempered
    Glass" fail; "5D Tempered Glass", "2.5D 9H Tempered Glass" and "3D
    Tempered Glass" pass.

    ## Why
    RULEBOOK SPECIAL-3 and §14: 5D passes, 6D and above fails.

    ## Doubt
    Seller's side. Screen glass named in the title or category rejects; named
    only in the description, a warning.
    """
    sp = policy.special
    sure = _names(facts, sp.screen_glass)
    if not sure:
        return
    fig = _first(facts, facts.glass_grades, sp.screen_glass_max_d)
    yield from _capacity_hit(
        fig,
        sure,
        f"Screen glass advertised as {{fig}} is misleading: grades above "
        f"{sp.screen_glass_max_d:g}D are not accepted.",
    )


@rule("SPECIAL-4", reason=Reason.OTHER, doubt=Doubt.SELLER, comment=NOT_SOLD)
def goods_not_sold_on_joom(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """This kind of goods is not sold on Joom.

    ## What it checks
    The title or category names goods on the platform's "not sold on Joom"
    list (policy data; the shipped entries are placeholders for the policy
    team). Example: "Windows 11 Pro Licence Key Lifetime" fails with the
    placeholder list; "Leather Key Holder" passes.

    ## Why
    RULEBOOK SPECIAL-4: goods the platform lists as not sold on Joom → `other`,
    comment "Prohibited on Joom".

    ## Doubt
    Seller's side. A listed term in the title or category rejects; in the
    description only, a warning.
    """
    sources = [(f, t) for f, t in facts.buyer_texts if f in ("title", "category", "description")]
    groups = list(policy.special.not_sold.values())
    for group, hits in zip(groups, find_groups(groups, sources), strict=True):
        if not hits:
            continue
        hit = min(hits, key=lambda h: h.field == "description" or not h.sure)
        named = hit.sure and hit.field != "description"
        yield Hit(
            field=hit.field,
            evidence=hit.text,
            span=hit.span,
            confidence=group.confidence if named else group.unsure_confidence,
            message=f"Not sold on Joom ({group.name}): \"{hit.text}\".",
        )


RULES = (
    flash_drive_capacity_is_fake,
    power_bank_capacity_is_fake,
    screen_glass_grade_is_fake,
    goods_not_sold_on_joom,
)
