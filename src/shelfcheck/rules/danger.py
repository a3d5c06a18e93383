"""RULEBOOK §11 Dangerous kind — reason ``other``, comment ``dangerous kind is incorrect``,
doubt on the merchant's side.

Judged only when the listing declares a ``dangerous_kind`` (RULEBOOK §14).
DANGER-2: goods that are clearly dangerous (a power bank, a perfume) declared
with a kind they cannot be. DANGER-1: harmless goods declared dangerous (a
cotton T-shirt declared ``battery``). The goods, their kinds and the evidence
words are policy data (``danger.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterator

from shelfcheck.facts import Facts
from shelfcheck.model import Doubt, Reason
from shelfcheck.policy import DangerousGoods, DangerPolicy, Policy, TermSet
from shelfcheck.rule import Hit, rule

WRONG_KIND = "dangerous kind is incorrect"
NOT_DANGEROUS = "not_dangerous"


def _names_goods(text: str, terms: TermSet, policy: DangerPolicy) -> str | None:
    """The goods term in ``text`` naming the product itself: not after "for" or
    "compatible with" ("Travel Case for Cables, Chargers, Power Bank"), not followed by an
    accessory word ("perfume bottle", "power bank case")."""
    for m in terms.finditer(text):
        after = text[m.end() : m.end() + 20].lstrip().lower()
        if policy.accessory_before.search(text[: m.start()]):
            continue
        if any(c.start() == 0 for c in policy.accessory_after.finditer(after)):
            continue
        return m.group(0)
    return None


def all_dangerous_goods(facts: Facts, policy: DangerPolicy) -> list[tuple[str, str, DangerousGoods]]:
    """(goods name, term found, its policy entry) of every kind of clearly dangerous goods
    the title or category names ("perfume bottle" and "nail lamp" are not the goods)."""
    found: list[tuple[str, str, DangerousGoods]] = []
    for name, goods in policy.goods.items():
        if goods.not_goods.search(facts.title.clean):
            continue
        for text in (facts.title.clean, facts.category):
            term = _names_goods(text, goods.terms, policy)
            if term:
                found.append((name, term, goods))
                break
    return found


def dangerous_goods(facts: Facts, policy: DangerPolicy) -> tuple[str, str, DangerousGoods] | None:
    """The first clearly dangerous goods the title or category names, if any."""
    found = all_dangerous_goods(facts, policy)
    return found[0] if found else None


def allowed_kinds(found: list[tuple[str, str, DangerousGoods]]) -> list[str]:
    """The kinds goods named together may be declared as: those every named kind allows
    ("Dry Shampoo Aerosol Spray" is an aerosol, not a liquid), else any of them."""
    common = [k for k in found[0][2].kinds if all(k in goods.kinds for _, _, goods in found)]
    return common or list(dict.fromkeys(k for _, _, goods in found for k in goods.kinds))


@rule("DANGER-1", reason=Reason.OTHER, doubt=Doubt.SELLER, comment=WRONG_KIND)
def harmless_goods_declared_dangerous(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """This product is not dangerous: declare its dangerous kind as not dangerous.

    ## What it checks
    The listing declares a dangerous kind, the product is not one of the
    clearly dangerous goods, and nothing in the listing supports the kind
    (no battery, liquid, spray, powder, magnet or blade is mentioned, or the
    listing denies it: "Batteries Included: No").
    Example: a cotton T-shirt declared `battery`, a ceramic mug declared
    `flammable`, a hard-wired cooktop ("Batteries Included: No") declared
    `battery` fail; a mug declared `not_dangerous` and a rechargeable lamp
    declared `battery` pass.

    ## Why
    RULEBOOK DANGER-1 and §14 "Dangerous kind": a product that is not
    dangerous declared with a dangerous kind fails.

    ## Doubt
    The merchant's side. Clear only when the goods are recognisably harmless
    (clothing, tableware, home textiles ...) or the listing denies the kind;
    otherwise a missing mention is only a warning.
    """
    dp = policy.danger
    declared = facts.listing.dangerous_kind
    if declared is None or declared == NOT_DANGEROUS:
        return
    if dangerous_goods(facts, dp) is not None:
        return
    text = facts.all_text
    denial = dp.denials.get(declared)
    denied = bool(denial and denial.search(text))
    if denial and denied:
        text = denial.pattern.sub(" ", text)
    evidence = dp.evidence.get(declared)
    if evidence and evidence.search(text):
        return
    harmless = dp.harmless_goods.search(facts.title.clean) or dp.harmless_goods.search(
        facts.category
    )
    conf = dp.clear_confidence if denied or harmless else dp.no_evidence_confidence
    what = "the listing says it has none" if denied else "nothing in the listing shows it"
    yield Hit(
        field="dangerous_kind",
        evidence=declared,
        confidence=conf,
        message=f"Declared dangerous kind '{declared}', but {what}: declare it as not dangerous.",
    )


@rule("DANGER-2", reason=Reason.OTHER, doubt=Doubt.SELLER, comment=WRONG_KIND)
def dangerous_goods_declared_wrong_kind(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """The declared dangerous kind is wrong for this product: choose the correct one.

    ## What it checks
    The title or category names clearly dangerous goods (power bank, lithium
    battery, e-bike battery, perfume, shampoo, nail polish, aerosol, lighter
    fuel, magnets) or goods of a plain form (battery-powered devices, knives,
    powders, liquids) and the declared kind is not one this kind of goods can
    be (earbuds declared `liquid`, talc declared `liquid`, knives declared
    `battery`).
    Example: a power bank declared `not_dangerous`, `liquid` or `magnetic`, a
    perfume or a shampoo declared `powder` fail; a power bank declared
    `battery` and a shampoo declared `liquid` pass.

    ## Why
    RULEBOOK DANGER-2 and §14 "Dangerous kind": the declared kind is clearly
    wrong.

    ## Doubt
    The merchant's side. Only goods named in the title or category count
    ("cable for power bank" and "perfume bottle" are not the goods). Goods of
    several kinds must be declared as a kind all of them allow ("Dry Shampoo
    Aerosol Spray" declared `liquid` fails). A liquid cosmetic declared
    `not_dangerous` is only a warning.
    """
    dp = policy.danger
    declared = facts.listing.dangerous_kind
    if declared is None:
        return
    found = all_dangerous_goods(facts, dp)
    if not found:
        return
    kinds = allowed_kinds(found)
    if declared in kinds:
        return
    term = " + ".join(t for _, t, _ in found)
    if declared == NOT_DANGEROUS:
        conf = min(goods.not_dangerous_confidence for _, _, goods in found)
    else:
        conf = dp.clear_confidence
    yield Hit(
        field="dangerous_kind",
        evidence=f"{declared} ({term})",
        confidence=conf,
        message=f"A {term} is declared '{declared}'; its dangerous kind is {' or '.join(kinds)}.",
    )


RULES = (harmless_goods_declared_dangerous, dangerous_goods_declared_wrong_kind)
