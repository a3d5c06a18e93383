"""RULEBOOK §10 Inconsistent product — reason `inconsistent`, doubt on the platform's side.

A clear mismatch (confidence >= ``thresholds.reject``) rejects; an unsure one
goes to human review (RULEBOOK §0, §14 "Inconsistent"). The text rules read
two facts: ``facts.lots`` (lot quantities, ``analysis/lots.py``) and
``facts.products`` (product kinds named, ``analysis/products.py``). A size
claimed in the title that is only the largest or smallest variant is
``size_chart`` SIZE-6, not a rule here. Photo rules (INCONSISTENT-1 on photos,
INCONSISTENT-5) go in ``PHOTO_RULES``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from shelfcheck.analysis.lots import Lot, Unit, VariantLot, counts, implied_set, lot_words
from shelfcheck.analysis.products import Mention, families_of, near_families, primary_kinds, product_line
from shelfcheck.facts import Facts
from shelfcheck.model import Doubt, Reason
from shelfcheck.photos.claims import quantities
from shelfcheck.policy import InconsistentPolicy, Policy
from shelfcheck.rule import Hit, Rule, rule

_UNITS: tuple[Unit, ...] = ("piece", "pair", "set")
_COLOUR_FIELD = re.compile(r"\.(?:color|attributes\.[^.]*(?:colou?r|pattern|style|design|print))", re.IGNORECASE)
_ENUMERATION = re.compile(r"\s(?:&|and|\+|with)\s", re.IGNORECASE)
_PIECE_TEXT = re.compile(r"pc|piece|[x×*]", re.IGNORECASE)
_QUANTITY_LABELS = {"quantity", "qty"}
_LIST_ITEM = re.compile(r"\s*\d{1,3}\s*[x×*]\s*\D", re.IGNORECASE)


# --- INCONSISTENT-1: the title names another product than the description -----------------


def _kind_words(items: list[Mention]) -> str:
    return ", ".join(dict.fromkeys(m.text for m in items))


@rule("INCONSISTENT-1", reason=Reason.INCONSISTENT, doubt=Doubt.PLATFORM)
def title_names_other_product(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Make the title and the description describe the same product.

    ## What it checks
    The product the title names and the product the description names are
    different kinds of goods: the title's product word (with its synonyms)
    appears nowhere in the description, and the description's product line
    (its first line or "Product:" line) names a product of another family.
    Example: title "Genuine Leather Wallet", description "Ceramic Mug
    (350 ml) ..." fails; title "Ceramic Coffee Cup", description "Ceramic Mug"
    passes (synonyms), as does "Door Drape" / "Door Curtain", and so do near
    families a seller names one for the other ("Ladies Purse" for a crossbody
    bag, "Smart Bracelet" for a smart watch; policy ``near_families``). Also a property
    stated both ways: title "Short Sleeve", description "Sleeve Length:
    Sleeveless"; title "Men's Sneakers", description "Gender: Women" ("Unisex"
    agrees with both). Product words in a line or sentence of another language
    are not read (Malay "pen", "pot").

    ## Why
    RULEBOOK INCONSISTENT-1: the title does not match the photos and the
    description; §14: "a title that may name a different product than the
    description" goes to human review.

    ## Doubt
    Platform's side. A different family named in the description's product
    line, or a contradicted labelled property, is clear; another gender in the
    product line with no label ("Women's T-shirt" under "Men's T-Shirt") is
    unsure, and so is a different product only in
    the description's body (no product line) is unsure: human review, and
    so is a category whose last node names another family of goods when the
    description names no product ("Phone Case" under "... > Cushion Cover").
    """
    rules = policy.inconsistent
    found = facts.products
    title_kinds = primary_kinds(found.title)
    if title_kinds:
        described = {m.kind for m in found.description}
        all_title = {m.kind for m in found.title}
        # a near family ("Ladies Purse" for a crossbody bag) is no other product
        title_families = near_families(families_of(title_kinds, rules), rules)
        if not (all_title & described):
            head = [m for m in found.head if m.primary]
            head_families = families_of({m.kind for m in head}, rules)
            if head and not (head_families & title_families):
                yield Hit(
                    field="description",
                    evidence=f"title: {_kind_words([m for m in found.title if m.primary])}; "
                    f"description: {_kind_words(head)}",
                    confidence=rules.clear_confidence,
                    message=f"The title names {_kind_words(found.title)[:60]} but the description "
                    f"describes {_kind_words(head)[:60]}.",
                )
            elif not head:
                body = Counter(m.kind for m in found.description if m.primary)
                named = [k for k, n in body.items() if n >= rules.body_min_mentions]
                if named and not (families_of(named, rules) & title_families):
                    yield Hit(
                        field="description",
                        evidence=f"title: {', '.join(sorted(title_kinds))}; "
                        f"description: {', '.join(sorted(named))}",
                        confidence=rules.unsure_confidence,
                        message="The description seems to describe another product than the title.",
                    )
                else:
                    yield from _category_conflict(facts, rules, title_kinds)
    yield from _attribute_conflicts(facts, rules)


def _category_conflict(facts: Facts, rules: InconsistentPolicy, title_kinds: set[str]) -> Iterator[Hit]:
    """The category's last node names a product of another family than the title, and the
    description says nothing of the title's product ("Phone Case" under "... > Cushion
    Cover"): unsure, a person looks (a category can be chosen carelessly)."""
    found = facts.products
    leaf = primary_kinds(found.category)
    if not leaf or leaf & {m.kind for m in found.title}:
        return
    if families_of(leaf, rules) & near_families(families_of(title_kinds, rules), rules):
        return
    yield Hit(
        field="category",
        evidence=f"title: {', '.join(sorted(title_kinds))}; category: {', '.join(sorted(leaf))}",
        confidence=rules.unsure_confidence,
        message=f"The title names {', '.join(sorted(title_kinds))} but the category is "
        f"{', '.join(sorted(leaf))}.",
    )


# "Gift for Men", "gifts for her": whom the product is a present for, not its gender.
_GIFT_FOR = re.compile(r"\b(?:gifts?|present|presents)\s+(?:idea\s+)?(?:for|to)\s+(?:\w+\s+){0,3}?$", re.IGNORECASE)


def _stated(phrases_by_value: dict, text: str, *, skip_gifts: bool = False) -> set[str]:
    """The values whose phrases ``text`` states (a phrase right after "gift for" is not
    counted when ``skip_gifts``)."""
    out = set()
    for value, phrases in phrases_by_value.items():
        for m in phrases.pattern.finditer(text):
            if skip_gifts and _GIFT_FOR.search(text[max(0, m.start() - 40) : m.start()]):
                continue
            out.add(value)
            break
    return out


def _attribute_conflicts(facts: Facts, rules: InconsistentPolicy) -> Iterator[Hit]:
    """A property the title states one way and the description's labelled lines another
    way. Several labelled lines ("Gender: Men", "Gender: Women") are read together: a
    conflict needs none of them to agree with the title."""
    title = facts.title.clean
    description = facts.description.clean
    for name, conflict in rules.attribute_conflicts.items():
        in_title = _stated(conflict.values, title, skip_gifts=True)
        if not in_title:
            continue
        labelled = []
        for label in conflict.label.finditer(description):
            line = description[label.end() :].split("\n", 1)[0][:80]
            stated = _stated(conflict.values, line)
            if stated:
                labelled.append((label, line, stated))
        if labelled:
            if any(stated & in_title for _, _, stated in labelled):
                continue
            label, line, _ = labelled[0]
            yield Hit(
                field="description",
                evidence=f"title: {', '.join(sorted(in_title))}; "
                f"description: {description[label.start() : label.end()]}{line}"[:200],
                span=(label.start(), label.end() + len(line)),
                confidence=rules.clear_confidence,
                message=f"The title and the description state a different {name.replace('_', ' ')}.",
            )
            return
        if not conflict.product_line or conflict.label.search(description):
            continue
        head = product_line(description, rules)
        stated = _stated(conflict.values, head, skip_gifts=True)
        if stated and not (stated & in_title):
            yield Hit(
                field="description",
                evidence=f"title: {', '.join(sorted(in_title))}; description: {head}"[:200],
                confidence=rules.unsure_confidence,
                message=f"The title and the description's product line seem to state a different "
                f"{name.replace('_', ' ')}.",
            )
            return


# --- INCONSISTENT-2: the quantity in the title differs from description or variants -------


def _described(lots: list[Lot], unit: Unit) -> list[Lot]:
    return [lot for lot in lots if lot.unit == unit]


@rule("INCONSISTENT-2", reason=Reason.INCONSISTENT, doubt=Doubt.PLATFORM)
def title_quantity_differs(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Make the quantity in the title match the description and the variants.

    ## What it checks
    The title states a lot quantity ("2PCS", "Pack of 4", "Set of 2",
    "Twin Pack", "Half Dozen", "Single") and the description states one other quantity of the same unit
    ("Pack of 2", "Quantity: 1pc", "Single Curtain", "You will receive 4
    bowls" under a title of bowls), or every variant that
    states a quantity states another one ("1PC Powder Can"). A title "... Set"
    with "Quantity: 1pc" in the description fails too. Quantities of
    different units ("1 Set" / "10 pcs") are not compared, and a description
    listing several different counts (a contents list) is not read as the lot.
    Example: title "Cushion Cover Pack of 4", description "Pack of 2" fails;
    title "Pack of 2", description "Pack of 2" passes.

    ## Why
    RULEBOOK INCONSISTENT-2 (2 pcs in the title, 1 pc in the description)
    and §14 "Inconsistent". A size that is only the largest variant is SIZE-6.

    ## Doubt
    Platform's side. Two explicit counts that differ are clear; a bare
    "single" against a count, or variants of which only some state a
    quantity, are unsure: human review.
    """
    rules = policy.inconsistent
    lots = facts.lots
    for unit in _UNITS:
        title = _described(lots.title, unit)
        if not title:
            continue
        said = {lot.count for lot in title}
        said |= {a * b for a in said for b in said if a != b}
        title_weak = all(lot.weak for lot in title)
        described = [lot for lot in _described(lots.description, unit) if _told(lot, facts, rules)]
        # Several items on a contents list ("1 x chef knife", "1 x bread knife") are parts.
        parts = [lot for lot in described if lot.label and lot.label not in _QUANTITY_LABELS]
        # "Package includes: 1 x Large pot, 1 x Medium pot, 1 x Small pot": on one line,
        # only the first item follows the label, but all of them are parts.
        items = [lot for lot in lots.description if lot.unit == unit and _LIST_ITEM.match(lot.text)]
        if len(parts) >= 2 or (parts and len(items) >= 2):
            described = [lot for lot in described if lot not in parts and lot not in items]
        told = {lot.count for lot in described}
        # "1 Set Of 10 Pieces" / "Quantity: 1PC": the one piece is the set.
        one_set = any(lot.unit == "set" and lot.count == 1 for lot in lots.title)
        if len(told) == 1 and not (said & told) and not (told == {1} and one_set):
            yield Hit(
                field="description",
                evidence=f"title: {title[0].text.strip()}; description: {described[0].text.strip()}",
                span=described[0].span,
                confidence=rules.unsure_confidence if title_weak else rules.clear_confidence,
                message=f'The title says "{title[0].text.strip()}" but the description says '
                f'"{described[0].text.strip()}".',
            )
            return
        stating = [v for v in lots.variants if _variant_counts(v, unit)]
        offered = {c for v in stating for c in _variant_counts(v, unit)}
        if stating and not (said & offered) and not (offered == {1} and one_set):
            every = len(stating) == len(lots.variants)
            yield Hit(
                field=f"variants[{stating[0].index}]",
                evidence=f"title: {title[0].text.strip()}; variants: "
                + ", ".join(str(c) for c in sorted(offered)),
                confidence=rules.clear_confidence if every and not title_weak else rules.unsure_confidence,
                message=f'The title says "{title[0].text.strip()}" but the variants offer '
                + ", ".join(str(c) for c in sorted(offered))
                + f" {unit}(s).",
            )
            return
    yield from _set_sold_as_one(facts, policy)


def _told(lot: Lot, facts: Facts, rules: InconsistentPolicy) -> bool:
    """A description quantity that states the lot: on a quantity line ("Quantity: 1pc",
    "Sales Package: Pack of 2"), in the product line, or in brackets ("(Pack of 2, 40 cm)").
    A count in running text ("having 2 packs a day") is not read as the lot."""
    if lot.statement:
        return True
    text = facts.description.clean
    start = lot.span[0]
    first_line = text.find("\n")
    if start < min(rules.head_chars, first_line if first_line >= 0 else len(text)):
        return True
    opened = text.rfind("(", max(0, start - 80), start)
    return opened >= 0 and ")" not in text[opened:start] and ")" in text[lot.span[1] : lot.span[1] + 80]


def _variant_counts(variant: VariantLot, unit: Unit) -> set[int]:
    return variant.piece_counts if unit == "piece" else counts(variant.lots, unit)


def _set_sold_as_one(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """A title "... Set" with no count, and the description's quantity statement is one piece."""
    lots = facts.lots
    if any(lot.unit == "piece" for lot in lots.title):
        return
    match = implied_set(facts.title.clean, lot_words(policy.inconsistent.lots))
    if not match or _ENUMERATION.search(facts.title.clean):
        return
    pieces = _described(lots.description, "piece")
    stated = [
        lot for lot in pieces
        if lot.label in _QUANTITY_LABELS and _PIECE_TEXT.search(lot.text)
    ]
    if stated and {lot.count for lot in pieces} == {1}:
        yield Hit(
            field="description",
            evidence=f"title: {match.group(0)}; description: {stated[0].text.strip()}",
            span=stated[0].span,
            confidence=policy.inconsistent.clear_confidence,
            message=f'The title sells a "{match.group(0)}" but the description\'s quantity is '
            f'"{stated[0].text.strip()}".',
        )


# --- INCONSISTENT-3: the variants are different products -----------------------------------


@rule("INCONSISTENT-3", reason=Reason.INCONSISTENT, doubt=Doubt.PLATFORM)
def variants_are_other_products(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Sell other products as separate listings, not as variants of this one.

    ## What it checks
    A variant's colour, size or attributes name a product of another kind
    than the one the title names: variants "350 ml" / "Coaster" / "T-shirt M"
    of a mug, "Yoga mat" / "Umbrella" of a thermos, "MOTOR COVER" among
    raincoats. A product named after "with", "+", "for" ("Mug + Coaster",
    "Case for iPhone") is an accessory or a bundle, not another product.
    A colour that names a product may be a print ("Umbrella"), unless it is a
    device or an appliance ("Wireless Charger": policy ``not_motif_families``).
    Example: a pillow cover with a variant "Phone case iPhone 14" fails;
    variants "Green leaves" / "Blue leaves" of a mug pass.

    ## Why
    RULEBOOK INCONSISTENT-3: the variants are not all the same product
    (a different product must be a separate listing).

    ## Doubt
    Platform's side. A variant of another product family that the title does
    not name is clear; one of a near kind (same family), one the description
    mentions, or a listing whose title names no known product are unsure:
    human review.
    """
    rules = policy.inconsistent
    found = facts.products
    title_kinds = primary_kinds(found.title) or {m.kind for m in found.title}
    title_all = {m.kind for m in found.title}
    described = {m.kind for m in found.description}
    title_families = near_families(families_of(title_kinds, rules), rules)
    best: tuple[float, int, Mention] | None = None
    if title_kinds:
        foreign = {
            index: [m for m in items if m.primary and m.kind not in title_all]
            for index, items in found.variants.items()
        }
        several = sum(1 for items in foreign.values() if items) >= 2
        for index, items in foreign.items():
            for m in items:
                near = m.family in title_families or m.kind in described
                # A colour or pattern name may be a motif ("Umbrella" print) unless
                # several variants name other products.
                motif = (
                    _COLOUR_FIELD.search(m.field) is not None
                    and not several
                    and m.family not in rules.not_motif_families
                )
                unsure = near or motif
                confidence = rules.unsure_confidence if unsure else rules.clear_confidence
                if best is None or confidence > best[0]:
                    best = (confidence, index, m)
    else:
        kinds = {m.kind: (i, m) for i, items in found.variants.items() for m in items if m.primary}
        if len(families_of(kinds, rules)) >= rules.untitled_min_families:
            index, m = next(iter(kinds.values()))
            best = (rules.unsure_confidence, index, m)
    if best is None:
        return
    confidence, index, mention = best
    yield Hit(
        field=f"variants[{index}]",
        evidence=f"variant: {mention.text}; title: {', '.join(sorted(title_kinds)) or '-'}",
        confidence=confidence,
        message=f'Variant {index + 1} ("{mention.text}") is another product than the listing\'s; '
        "list it separately.",
    )


# --- INCONSISTENT-4: variants mix a set and a single unit ----------------------------------


@rule("INCONSISTENT-4", reason=Reason.INCONSISTENT, doubt=Doubt.PLATFORM)
def variants_mix_set_and_single(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Offer the set as a separate product: the variants mix single items and sets.

    ## What it checks
    One variant is a single item ("1 mug", "Single curtain", "1pc", quantity
    1) and another is a set or pack of several ("Set of 4 mugs", "Pack of 5",
    "2pcs", quantity 4); pairs count the same way ("1 pair" / "3 pairs"). A
    variant attribute named as a quantity states it too ("Quantity: 1 glass" /
    "Quantity: 6 glasses", "Pack: Single" / "Pack: Set of 2").
    Variants that all sell the same pack, or that state no quantity, pass.
    Example: variants "1 mug" / "Set of 4 mugs" fail; "Pack of 2" / "Pack of
    2" pass; bed sizes "Single" / "Double" are sizes, not quantities.

    ## Why
    RULEBOOK INCONSISTENT-4: variants mix a set and a single unit (a set must
    be a separate product).

    ## Doubt
    Platform's side; explicit quantities make it clear.
    """
    single: VariantLot | None = None
    several: VariantLot | None = None
    for variant in facts.lots.variants:
        for unit in ("piece", "pair"):
            found = _variant_counts(variant, unit)  # type: ignore[arg-type]
            if not found:
                continue
            if max(found) > 1:
                several = several or variant
            elif found == {1}:
                single = single or variant
    if single is not None and several is not None:
        yield Hit(
            field=f"variants[{several.index}]",
            evidence=f"variants[{single.index}]: {_lot_text(single)}; "
            f"variants[{several.index}]: {_lot_text(several)}",
            confidence=policy.inconsistent.clear_confidence,
            message=f"Variant {single.index + 1} is a single item and variant "
            f"{several.index + 1} a set ({_lot_text(several)}); sell the set as a separate product.",
        )


def _lot_text(variant: VariantLot) -> str:
    if variant.lots:
        return variant.lots[0].text.strip()
    return f"quantity {variant.quantity}"


# --- INCONSISTENT-5: a quantity claimed on a photo -------------------------------------------


@rule("INCONSISTENT-5", reason=Reason.INCONSISTENT, doubt=Doubt.PLATFORM, needs_photos=True)
def photo_quantity_differs(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """A photo claims a quantity the listing does not sell: make the photo match the listing.

    ## What it checks
    Quantities read on the photos ("PACK OF 4", "SET OF 6 MUGS", "3 pcs") against
    the quantities the title, description and variants state, in any wording
    ("Twin Pack" is 2, a variant's quantity field counts). Example: a photo
    saying "PACK OF 4" on a single curtain fails; "PACK OF 2" on a listing that
    says "Pack of 2" passes.

    ## Why
    RULEBOOK INCONSISTENT-5: properties and quantities claimed on a photo are
    real for this product and unique (dev README judgement call 24).

    ## Doubt
    Platform side: a quantity of more than one on a photo that the listing's
    text never states rejects.
    """
    patterns = policy.photo.patterns.quantity
    listing_text = "\n".join(text for field, text in facts.text_sources if not field.startswith("photos["))
    stated = {n for n, _ in quantities(listing_text, patterns)}
    # and every lot the text states in any wording ("Twin Pack", "Set of 2", "x2",
    # "Quantity: 6 glasses") or a variant's quantity field
    lots = facts.lots
    stated |= {lot.count for lot in (*lots.title, *lots.description)}
    stated |= {c for v in lots.variants for c in v.piece_counts | {lot.count for lot in v.lots}}
    material = _photo_material_differs(facts, policy)
    if material is not None:
        yield material
        return
    for field, text in facts.photo_texts:
        for number, seen in quantities(text, patterns):
            if number > 1 and number not in stated:
                said = ", ".join(str(n) for n in sorted(stated)) or "no quantity"
                yield Hit(
                    field=field,
                    evidence=f"the photo says {seen!r}; the listing states {said}",
                    confidence=0.9,
                    message=f"{field} claims {seen!r}, which the listing does not sell",
                )
                return


def _photo_material_differs(facts: Facts, policy: Policy) -> Hit | None:
    """A material named on a photo that the listing never names, where the listing names
    another material of the same family ("100% Cotton" on a polyester curtain)."""
    families = policy.photo.materials
    if not families or not facts.photo_texts:
        return None
    listing_text = "\n".join(
        text for field, text in facts.text_sources if not field.startswith("photos[")
    ).lower()

    def named(stem: str, text: str) -> bool:
        return re.search(rf"(?<![a-z]){stem}", text) is not None

    for field, text in facts.photo_texts:
        lower = text.lower()
        for family, words in families.items():
            for word in words:
                if not named(word, lower) or named(word, listing_text):
                    continue
                others = [w for w in words if w != word and named(w, listing_text)]
                if others:
                    return Hit(
                        field=field,
                        evidence=f"the photo says {word!r}; the listing's {family} is {others[0]!r}",
                        confidence=0.9,
                        message=f"{field} claims {word!r}, which the listing does not state",
                    )
    return None


TEXT_RULES: tuple[Rule, ...] = (
    title_names_other_product,
    title_quantity_differs,
    variants_are_other_products,
    variants_mix_set_and_single,
)
PHOTO_RULES: tuple[Rule, ...] = (photo_quantity_differs,)

RULES: tuple[Rule, ...] = (*TEXT_RULES, *PHOTO_RULES)
