"""Facts: everything the rules read about one listing, computed once and only when asked.

One ``Facts`` object is made per review. Each analysis is a
cached property that calls a pure function of ``analysis/``, so
a listing's language, links, phones, quantities or kind of goods are worked
out at most once however many rules read them, and not at all when no rule
does (Presidio's precomputed NLP artifacts, Ruff's semantic model).

Rules never parse the raw listing themselves when a fact here says it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from shelfcheck.analysis import kinds as kinds_analysis
from shelfcheck.analysis import measures
from shelfcheck.analysis import required
from shelfcheck.analysis import capacity
from shelfcheck.analysis import lots as lots_analysis
from shelfcheck.analysis import products as products_analysis
from shelfcheck.analysis import contacts
from shelfcheck.analysis.links import Link, find_links
from shelfcheck.analysis.platforms import Mention, find_platform_mentions
from shelfcheck.analysis.language import LanguageResult, detect_language
from shelfcheck.analysis.readability import Readability, measure_field
from shelfcheck.analysis.text import Text, normalise
from shelfcheck.model import Listing
from shelfcheck.photos import PhotoFacts, photo_facts, photo_facts_for
from shelfcheck.policy import Policy
from shelfcheck.tools import Tools


T = TypeVar("T")


class cached_property(Generic[T]):  # noqa: N801 - named like the functools one it replaces
    """``functools.cached_property`` without the lock Python 3.11 takes on every first read
    (a listing's facts are read by one thread; 30 first reads per review add up)."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


class Facts:
    """The shared, lazily computed view of one listing."""

    def __init__(self, listing: Listing, policy: Policy, tools: Tools) -> None:
        self.listing = listing
        self.policy = policy
        self.tools = tools

    # --- the fields, cleaned ---------------------------------------------------------

    @cached_property
    def title(self) -> Text:
        return normalise(self.listing.title, self.policy.meta.limits.max_title_chars)

    @cached_property
    def description(self) -> Text:
        return normalise(
            self.listing.description, self.policy.meta.limits.max_description_chars
        )

    # --- language and readability (TITLE-4..8, DESC-1, DESC-12) ----------------------

    @cached_property
    def title_language(self) -> LanguageResult:
        """The title's language (code or None when unsure, is_english True/False/None)."""
        return detect_language(self.title.clean, self.policy.language, self.tools)

    @cached_property
    def description_language(self) -> LanguageResult:
        return detect_language(self.description.clean, self.policy.language, self.tools)

    @cached_property
    def title_readability(self) -> Readability:
        """Run-together words, symbols, fragments, repetition, tags, letter case of the title."""
        return measure_field(self.title, self.listing.title, self.policy.readability, self.tools)

    @cached_property
    def description_readability(self) -> Readability:
        """Entities, mojibake, symbols, l33t words and blank gaps of the description (DESC-12
        judges no more: the word-level signals of a title are not measured here)."""
        return measure_field(
            self.description,
            self.listing.description,
            self.policy.readability,
            self.tools,
            word_signals=False,
        )

    @cached_property
    def category(self) -> str:
        return normalise(self.listing.category or "", 1000).clean

    @cached_property
    def variant_texts(self) -> list[tuple[str, str]]:
        """(field, text) for every variant's colour, size and attributes."""
        out: list[tuple[str, str]] = []
        limit = self.policy.meta.limits.max_variants
        for i, variant in enumerate(self.listing.variants[:limit]):
            for name in ("color", "size"):
                value = getattr(variant, name)
                if value:
                    out.append((f"variants[{i}].{name}", normalise(value, 1000).clean))
            for key, value in variant.attributes.items():
                if value is not None:
                    text = normalise(f"{key}: {value}", 2000).clean
                    out.append((f"variants[{i}].attributes.{key}", text))
        return out

    @cached_property
    def size_chart_text(self) -> str:
        chart = self.listing.size_chart
        if chart is None:
            return ""
        lines = [" | ".join(chart.headers)]
        lines += [" | ".join(str(c) for c in row if c is not None) for row in chart.rows]
        unit = f"unit: {chart.unit}\n" if chart.unit else ""
        return normalise(unit + "\n".join(lines), 20000).clean

    @cached_property
    def text_sources(self) -> list[tuple[str, str]]:
        """(field, text) of every place information may be given (RULEBOOK §14,
        "Presence anywhere counts"): title, description, category, brand,
        variants, size chart. Photo text is added by the photo analyses."""
        out = [("title", self.title.clean), ("description", self.description.clean)]
        if self.category:
            out.append(("category", self.category))
        if self.listing.brand:
            out.append(("brand", self.listing.brand))
        out += self.variant_texts
        if self.size_chart_text:
            out.append(("size_chart", self.size_chart_text))
        return out + self.photo_texts

    @cached_property
    def all_text(self) -> str:
        """Every text source joined, one per line (for "is it stated anywhere")."""
        return "\n".join(text for _, text in self.text_sources)

    # --- what a title or description must not say (TITLE-1/2, DESC-2 .. DESC-5) ---------

    @cached_property
    def own_texts(self) -> dict[str, str]:
        """The seller's own prose, by field: title and description."""
        return {"title": self.title.clean, "description": self.description.clean}

    @cached_property
    def links(self) -> dict[str, tuple[Link, ...]]:
        """Web addresses by field ("title", "description"); decimals, versions and
        run-on sentences ("dress.Red", "3.5mm", "v1.1") are not links."""
        extractor, lp = self.tools.tldextract, self.policy.description.links
        return {f: find_links(t, extractor, lp) for f, t in self.own_texts.items()}

    @cached_property
    def phones(self) -> dict[str, tuple[contacts.Phone, ...]]:
        """Phone numbers by field, obfuscated forms included; sizes, model numbers and
        spec figures are not phones."""
        pp = self.policy.description.phones
        return {f: contacts.find_phones(t, pp) for f, t in self.own_texts.items()}

    @cached_property
    def emails(self) -> dict[str, tuple[contacts.Email, ...]]:
        """E-mail addresses by field, "name [at] shop (dot) com" forms included."""
        return {f: contacts.find_emails(t) for f, t in self.own_texts.items()}

    @cached_property
    def platform_mentions(self) -> dict[str, tuple[Mention, ...]]:
        """Other marketplaces named, by field; compatibility mentions ("for Amazon
        Kindle") left out."""
        pl = self.policy.platforms
        return {f: find_platform_mentions(t, pl) for f, t in self.own_texts.items()}

    @cached_property
    def contact_calls(self) -> tuple[contacts.ContactCall, ...]:
        """Calls to contact the seller in the description ("contact us", "WhatsApp: ...")."""
        return contacts.find_contact_calls(self.description.clean, self.policy.description.contact)

    # --- lots and product kinds (RULEBOOK §9, §10) -------------------------------------

    @cached_property
    def variant_values(self) -> dict[int, list[tuple[str, str]]]:
        """Variant index -> (field, cleaned value) of its colour, size and attribute values
        (the values alone, without the attribute names)."""
        out: dict[int, list[tuple[str, str]]] = {}
        limit = self.policy.meta.limits.max_variants
        for i, variant in enumerate(self.listing.variants[:limit]):
            raw = [(f"variants[{i}].color", variant.color), (f"variants[{i}].size", variant.size)]
            raw += [(f"variants[{i}].attributes.{k}", v) for k, v in variant.attributes.items()]
            out[i] = [(f, normalise(str(v), 1000).clean) for f, v in raw if v not in (None, "")]
        return out

    @cached_property
    def lots(self) -> lots_analysis.ListingLots:
        """Lot quantities ("2 pcs", "Pack of 2", "Single") of title, description and each
        variant, with each variant's ``quantity`` field (INCONSISTENT-2, INCONSISTENT-4)."""
        by_variant: dict[int, list[tuple[str, str]]] = {}
        for field, text in self.variant_texts:
            by_variant.setdefault(int(field[9 : field.index("]")]), []).append((field, text))
        limit = self.policy.meta.limits.max_variants
        quantities = {i: v.quantity for i, v in enumerate(self.listing.variants[:limit])}
        return lots_analysis.listing_lots(
            self.title.clean, self.description.clean, by_variant, quantities,
            lots_analysis.lot_words(self.policy.inconsistent.lots),
        )

    @cached_property
    def products(self) -> products_analysis.ListingProducts:
        """Product kinds named by the title, the description (its product line and all of
        it) and each variant (INCONSISTENT-1, INCONSISTENT-3)."""
        return products_analysis.listing_products(
            self.title.clean, self.description.clean, self.variant_values,
            self.policy.inconsistent, self.category,
            # words of another language are no product words ("pen" in a Malay sentence)
            products_analysis.foreign_judge(self.policy.language, self.tools.english_vocabulary),
        )

    # --- photos (RULEBOOK §5): facts per photo, cached by content hash -----------------

    @cached_property
    def photos(self) -> list[PhotoFacts]:
        """Facts of each photo of ``photos`` (same order); an unreadable one has ``error``."""
        return photo_facts_for(self.listing.photos, policy=self.policy, tools=self.tools)

    @cached_property
    def variant_photos(self) -> dict[int, PhotoFacts]:
        """Facts of each variant's photo, by variant index (variants without one left out)."""
        refs = {
            i: v.photo
            for i, v in enumerate(self.listing.variants[: self.policy.meta.limits.max_variants])
            if v.photo
        }
        if not refs or not self.listing.photos:
            return {}
        return {i: photo_facts(r, policy=self.policy, tools=self.tools) for i, r in refs.items()}

    @cached_property
    def photo_texts(self) -> list[tuple[str, str]]:
        """("photos[i]", text) for each photo on which text was read (RULEBOOK §14:
        information "on a photo" counts only when the text on it can be read)."""
        if not self.listing.photos:
            return []
        return [(f"photos[{i}]", p.ocr_text) for i, p in enumerate(self.photos) if p.read]

    # --- the kind of goods (RULEBOOK §8, §14 "Required information") -------------------

    @cached_property
    def kind_info(self) -> kinds_analysis.Kinds:
        """The kinds of goods with the evidence for each (field and words)."""
        return kinds_analysis.find_kinds(
            self.title.clean, self.category, self.description.clean, self.policy.kinds
        )

    @cached_property
    def kinds(self) -> frozenset[str]:
        """The kinds of goods, from the vocabulary of ``analysis.kinds.KINDS``
        (clothing, clothing_top, clothing_bottom, shoes, ring, bag, hat, socks,
        necklace, jewellery, watch, cosmetics, medicine, electronics, power_bank,
        flash_drive). Empty when the kind is not clear."""
        return self.kind_info.kinds

    # --- sizes and measurements (RULEBOOK §8) -------------------------------------------

    @cached_property
    def size_info(self) -> measures.SizeInfo:
        """Every measurement with its unit, parameter and size label, from all text
        sources (photo text included once added) and the size chart's structure."""
        sizes = [
            (f"variants[{i}].size", v.size)
            for i, v in enumerate(self.listing.variants[: self.policy.meta.limits.max_variants])
            if v.size
        ]
        return measures.find_size_info(
            self.text_sources, self.listing.size_chart, sizes, self.policy.size
        )

    @cached_property
    def measurements(self) -> tuple[measures.Measurement, ...]:
        """Shortcut: ``size_info.measurements``."""
        return self.size_info.measurements

    # --- required information (DESC-8 .. DESC-11) --------------------------------------

    @cached_property
    def material(self) -> required.Found | None:
        """Where the material is stated ("Material: Cotton", "925 Silver"), if anywhere."""
        return required.find_material(self.text_sources, self.policy.required)

    @cached_property
    def composition(self) -> required.Composition:
        """The ingredient list, or a composition heading that lists no real ingredients."""
        return required.find_composition(self.text_sources, self.title.clean, self.policy.required)

    @cached_property
    def specs(self) -> required.Specs:
        """The kinds of technical specification stated (voltage, power, capacity ...)."""
        return required.find_specs(self.text_sources, self.policy.required)

    @cached_property
    def package_contents(self) -> required.Found | None:
        """A statement of the package contents or count ("In the Box", "Pack of 2")."""
        return required.find_package_contents(self.text_sources, self.policy.required)

    # --- what a buyer reads, and the capacities it states (RULEBOOK §1-§4) --------------

    @cached_property
    def buyer_texts(self) -> list[tuple[str, str]]:
        """(field, text) of title, description, category and variants: the text a buyer
        reads (the ``brand`` field and the size chart left out)."""
        out = [("title", self.title.clean), ("description", self.description.clean)]
        if self.category:
            out.append(("category", self.category))
        return out + self.variant_texts

    @cached_property
    def capacity_texts(self) -> list[tuple[str, str]]:
        """(field, text) where a capacity is stated: title, variants, description."""
        return [("title", self.title.clean), *self.variant_texts,
                ("description", self.description.clean)]

    @cached_property
    def storage_gb(self) -> list[capacity.Figure]:
        """Storage sizes stated, in GB ("2TB" -> 2000), title first (SPECIAL-1)."""
        return capacity.figures(self.capacity_texts, "GB")

    @cached_property
    def battery_mah(self) -> list[capacity.Figure]:
        """Battery capacities stated, in mAh ("50,000 mAh" -> 50000) (SPECIAL-2)."""
        return capacity.figures(self.capacity_texts, "mAh")

    @cached_property
    def glass_grades(self) -> list[capacity.Figure]:
        """Screen-glass grades stated ("9D" -> 9, "2.5D" -> 2.5) (SPECIAL-3)."""
        return capacity.figures(self.capacity_texts, "D")
