"""RULEBOOK §6 Title — reason ``title``, doubt on the seller's side.

"Reject for `title` only when the title itself is wrong; a mismatch of lot
quantity or size against the rest of the listing is `inconsistent` instead."
"""

from __future__ import annotations

from collections.abc import Iterator

from shelfcheck.analysis.text import words
from shelfcheck.facts import Facts
from shelfcheck.model import Doubt, Reason
from shelfcheck.policy import Policy
from shelfcheck.rule import Hit, rule


@rule("TITLE-3", reason=Reason.TITLE, doubt=Doubt.SELLER)
def title_mentions_free_shipping(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Remove "free shipping" from the title; shipping terms are not part of a product name.

    ## What it checks
    The title names free shipping or free delivery, in English or a common
    seller spelling ("Free Shipping", "envío gratis", "包邮").
    Example: "Summer Dress Free Shipping" fails; "Summer Dress" passes.

    ## Why
    RULEBOOK TITLE-3: no mention of free shipping in the title. In the
    description it is allowed (RULEBOOK §14).

    ## Doubt
    Seller's side; a phrase match is a clear violation.
    """
    match = policy.title.free_shipping.search(facts.title.clean)
    if match:
        yield Hit(field="title", evidence=match.group(0), span=match.span())


@rule("TITLE-7", reason=Reason.TITLE, doubt=Doubt.SELLER)
def title_all_one_case(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Write the title in normal case, not ALL CAPITALS or all lower case.

    ## What it checks
    Every letter of the title (in scripts that have case) is upper case, or
    every letter is lower case. Titles with too few cased letters to judge
    are skipped. Example: "WOMEN SUMMER FLORAL DRESS" and "women summer
    floral dress" fail; "Women Summer Floral Dress" and "USB-C Cable 2M" pass.

    ## Why
    RULEBOOK TITLE-7: not entirely upper case, not entirely lower case.

    ## Doubt
    Seller's side; the check is exact, so a hit is clear.
    """
    letters = [c for word in words(facts.title.clean) for c in word if c.isupper() or c.islower()]
    if len(letters) < policy.title.min_letters_for_case:
        return
    if all(c.isupper() for c in letters):
        yield Hit(field="title", evidence=facts.title.clean[:200], message="The title is written entirely in capital letters; use normal case.")
    elif all(c.islower() for c in letters):
        yield Hit(field="title", evidence=facts.title.clean[:200], message="The title is written entirely in lower case; capitalise it normally.")


# --- form: readability, repetition, tags, case, language (TITLE-4..8) ---------------------

FORM_RULES = (title_all_one_case,)

# --- what a title must not say: links, platforms, free shipping, absolute claims -----------
# (TITLE-1, TITLE-2, TITLE-3, TITLE-9)

CONTENT_RULES = (title_mentions_free_shipping,)

RULES = (*CONTENT_RULES, *FORM_RULES)
