"""Policy as data: the lists and numbers the rules use, loaded from versioned YAML.

A policy version is a folder of YAML files (``policies/v73/`` ships with the
package, the guideline's "version 73"). Every file is validated into frozen
typed objects at load time: an unknown key, a wrong type or a regex that does
not compile fails loudly with the file and the field named, before any
listing is reviewed (Osprey validates before it executes).

Two kinds of term lists:

* ``Phrases``: plain words and phrases as a policy person writes them
  ("free shipping", "no.1"). Matched case-insensitively on word boundaries;
  a space in a phrase matches any run of spaces, hyphens or underscores.
* ``Patterns``: regular expressions, for the few cases that need them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from datetime import date
from functools import lru_cache, wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from shelfcheck.gate import Gated

DEFAULT_POLICY_DIR = Path(__file__).parent / "policies" / "v73"


K = TypeVar("K")
V = TypeVar("V")


def per_object(build: Callable[[K], V]) -> Callable[[K], V]:
    """``build(obj)`` computed once per object, found by identity: for values derived from
    immutable policy parts (regexes, indexes, lexicons), whose hashing would cost more
    than the look-up saves. The object is kept alive with its value, so its id stays its
    own; the cache is emptied past 64 objects (a process that loads many policies: tests).
    Two threads at worst build the same value."""
    cache: dict[int, tuple[K, V]] = {}

    @wraps(build)
    def get(obj: K) -> V:
        hit = cache.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        if len(cache) >= 64:
            cache.clear()
        value = build(obj)
        cache[id(obj)] = (obj, value)
        return value

    return get


class PolicyError(ValueError):
    """The policy folder cannot be used (missing file, unknown key, bad regex...)."""


class TermSet(Gated):
    """A compiled alternation of terms; immutable, hashable by its source. Gated: a text
    without any literal the regex needs is not searched (see :mod:`shelfcheck.gate`)."""

    __slots__ = ("terms",)

    def __init__(self, terms: tuple[str, ...], pattern: re.Pattern[str]) -> None:
        super().__init__(pattern, can_match=bool(terms))
        self.terms = terms

    def __bool__(self) -> bool:
        return bool(self.terms)

    def __repr__(self) -> str:
        return f"TermSet({list(self.terms)!r})"


def phrase_regex(phrase: str) -> str:
    """The regex for one plain phrase: word boundaries, flexible separators."""
    parts = [re.escape(p) for p in re.split(r"[\s\-_]+", phrase.strip()) if p]
    body = r"[\s\-_]*".join(parts) if len(parts) > 1 else (parts[0] if parts else "")
    left = r"(?<![\w])" if phrase[:1].isalnum() else ""
    right = r"(?![\w])" if phrase[-1:].isalnum() else ""
    return f"{left}{body}{right}"


def _to_phrases(value: Any) -> TermSet:
    if isinstance(value, TermSet):
        return value
    terms = tuple(str(v) for v in (value or ()))
    # Phrases that start with a letter or digit are grouped by that letter, behind one
    # look-ahead on the first letters and one left word boundary, instead of each phrase
    # checking its own boundary: the same matches, ten to twenty times faster on a long text.
    left = r"(?<![\w])"
    groups: dict[str, list[str]] = {}
    other: list[str] = []
    for t in terms:
        first = t.strip()[:1]
        if first.isalnum() and phrase_regex(t).startswith(left + first):
            groups.setdefault(first.lower(), []).append(phrase_regex(t)[len(left) + 1 :])
        else:
            other.append(f"(?:{phrase_regex(t)})")
    if groups:
        firsts = "".join(sorted({re.escape(c) for k in groups for c in (k, k.upper())}))
        body = "|".join(
            re.escape(k) + "(?:" + "|".join(f"(?:{rest})" for rest in rests) + ")"
            for k, rests in groups.items()
        )
        other.insert(0, f"(?=[{firsts}]){left}(?:{body})")
    pattern = "|".join(other) or r"(?!x)x"
    return TermSet(terms, re.compile(pattern, re.IGNORECASE))


def _to_patterns(value: Any) -> TermSet:
    if isinstance(value, TermSet):
        return value
    terms = tuple(str(v) for v in (value or ()))
    for term in terms:
        try:
            re.compile(term)
        except re.error as exc:
            raise ValueError(f"bad regex {term!r}: {exc}") from exc
    pattern = "|".join(f"(?:{t})" for t in terms) or r"(?!x)x"
    return TermSet(terms, re.compile(pattern, re.IGNORECASE))


Phrases = Annotated[TermSet, BeforeValidator(_to_phrases)]
Patterns = Annotated[TermSet, BeforeValidator(_to_patterns)]


class Section(BaseModel):
    """A policy section: frozen, and a typo'd key is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


# --- meta.yaml -------------------------------------------------------------------------


class Thresholds(Section):
    #: A hit at or above this confidence is a clear violation (rejects).
    reject: float = Field(0.8, ge=0, le=1)
    #: A platform-side hit at or above this (but below ``reject``) goes to human review.
    review: float = Field(0.4, ge=0, le=1)


class Limits(Section):
    """Input sizes past which the text is not analysed in full (bad-input guard)."""

    max_title_chars: int = 1000
    max_description_chars: int = 50000
    max_photos: int = 50
    max_variants: int = 500


class Meta(Section):
    version: str
    thresholds: Thresholds = Thresholds()
    limits: Limits = Limits()
    #: RULEBOOK IDs that are deliberately not machine-checked, with the reason.
    not_machine_checked: dict[str, str] = Field(default_factory=dict)


# --- platforms.yaml (TITLE-2, DESC-3, PHOTO-7) -------------------------------------------


class Platforms(Section):
    #: Other marketplaces and shops: mentioning them fails TITLE-2 / DESC-3.
    forbidden: Phrases
    #: Platforms a seller may name (the marketplace itself).
    approved: Phrases
    #: A forbidden name followed by one of these is a product named for
    #: compatibility ("Amazon Kindle", "Amazon Echo"), not a platform mention.
    product_lines: Phrases
    #: Words before a name that make it a compatibility mention ("for", "compatible with").
    compatibility_cues: Phrases
    #: Phrases in which a forbidden name is no platform ("Amazon Green", "Amazon parrot").
    innocent: Phrases = Field(default=(), validate_default=True)
    #: Platforms that also make devices: only these are named for compatibility after a cue
    #: ("Charger for Amazon"); "Blank Mugs for Etsy Sellers" names the platform. Empty: all.
    device_makers: list[str] = Field(default_factory=list)
    #: Names that are also ordinary words ("Allegro" is a tempo): a mention only with a
    #: shop word near it ("on Allegro", "Allegro store", "allegro.pl").
    word_names: list[str] = Field(default_factory=list)
    #: The shop words that make a ``word_names`` name a platform (a regex around it).
    shop_context: Patterns = Field(default=(), validate_default=True)


# --- language.yaml (TITLE-8, DESC-1, PHOTO-3) --------------------------------------------


class LanguagePolicy(Section):
    #: ISO 639-1 codes the listing may be written in.
    allowed: list[str] = Field(default_factory=lambda: ["en"])
    #: Languages the statistical detectors choose among (ISO 639-1).
    candidates: list[str]
    #: Below this many letters the statistical detectors are not asked (too short to judge).
    min_letters: int = 12
    #: Share of letters in a non-Latin script past which that script decides at once.
    script_share: float = 0.3
    #: A detector must be at least this sure for its "not English" to count.
    min_confidence: float = 0.6
    #: One Han / Kana / Hangul character weighs like this many Latin letters.
    ideograph_weight: float = 3
    #: Only the first this many characters are read for the language.
    max_chars: int = 3000
    #: The statistical detectors read at most this many characters of the cleaned words.
    detector_chars: int = 600
    #: A non-Latin text with this many common English words and this share of Latin
    #: letters carries an English version (RULEBOOK §14: bilingual passes).
    bilingual_min_english_words: int = 2
    bilingual_min_latin_share: float = 0.3
    #: Common English words at least this share of the words: English, whatever the detectors say.
    english_word_share: float = 0.25
    #: Both detectors naming the same other language: the less sure one needs at least this.
    agree_min_confidence: float = 0.3
    #: Both detectors at least this sure of the same other language: foreign words need not
    #: outnumber the English ones.
    firm_confidence: float = 0.5
    #: Foreign product phrases usual in English titles ("Eau de Parfum", "Pour Homme"),
    #: removed before the language is judged.
    ignore_phrases: Phrases = Field(default_factory=lambda: _to_phrases(()))
    #: Foreign function words needed for a words-based "not English".
    foreign_min_words: int = 3
    #: With a detector leaning to another language and a foreign-listed word: words outside
    #: common English per common English word that make the title "not English".
    other_per_english: float = 2
    #: Units and size words, stripped before detection.
    units: frozenset[str] = frozenset()
    #: Words among this many most frequent English words count as common English words.
    english_vocabulary_rank: int = 30000
    #: Common English words, and common function words of other Latin-script languages.
    english_words: frozenset[str] = frozenset()
    foreign_words: frozenset[str] = frozenset()
    #: Languages the detectors confuse with each other and that count as one when they
    #: agree ("ms" read as "id": Malay and Indonesian).
    same_language: dict[str, str] = Field(default_factory=dict)
    #: At least this many words left after stripping, none of them common English, and both
    #: detectors naming the same other language (each at least ``agree_min_confidence``):
    #: the text is not English ("Cetakan Kue Silikon Bentuk Hati").
    no_english_min_words: int = 3
    #: No common English word, at least two foreign-looking words, and at least this share
    #: of the words foreign-looking: not English, whatever the detectors say.
    foreign_only_share: float = 0.66


# --- readability.yaml (TITLE-4, TITLE-5, TITLE-6, DESC-12) -------------------------------


class ReadabilityPolicy(Section):
    """Thresholds of the readability rules; a signal past its threshold is a clear violation."""

    #: Words among this many most frequent English words count as words (fragments, splitting).
    vocabulary_rank: int = 20000
    #: Short tokens that are never letter fragments ("a", "of", "cm", "pcs").
    short_words: frozenset[str] = frozenset()
    #: TITLE-4: a token of at least this many words written together is run-together.
    run_together_words: int = 3
    #: TITLE-4: run-together tokens hold at least this share of the title's letters.
    run_together_share: float = 0.4
    #: TITLE-4: at least this many fragments, and this share of the word tokens.
    min_fragments: int = 3
    fragment_share: float = 0.25
    #: TITLE-4: titles longer than this many characters are unreadable (and cut for analysis).
    max_title_chars: int = 1000
    #: TITLE-5: share of the words that repeat an earlier phrase.
    repetition_share: float = 0.4
    min_repetition_words: int = 6
    #: TITLE-5: a phrase of at least this many words said again, repeating this share, is
    #: spam too ("Women Summer Dress Casual ... Women Summer Dress Casual").
    repeated_phrase_words: int = 3
    repeated_phrase_share: float = 0.3
    #: TITLE-6: a tag list has at least this many tags ...
    min_tags: int = 6
    #: ... and this many gift / occasion tags, or the same head word closing this many tags,
    #: or any duplicated tag; or this many hashtags; or one word after this many different words.
    occasion_tags: int = 3
    #: ... but a long list whose gift / occasion tags share no word needs this many of them:
    #: "..., Suitable As Birthday, Holiday, Graduation Gifts For Girlfriend, Boyfriend" is one
    #: descriptive phrase enumerating occasions, not a run of tags with repetitions (§14)
    occasion_tags_unrepeated: int = 4
    head_word_tags: int = 4
    hashtags: int = 3
    chained_word: int = 5
    #: TITLE-6: a shorter list (at least this many tags) whose tags are mostly (this share)
    #: gift / occasion tags repeating a word is a tag list too ("Gift for Him, Gift for Dad, ...").
    occasion_list_tags: int = 4
    occasion_list_share: float = 0.6
    #: TITLE-6: at least this many tags, of which this share are one word each, is a run of
    #: keywords ("Mug 350ml, Mug, Cup, Coffee, Tea, Gift, Birthday, Christmas, Office, Home").
    word_tags: int = 8
    word_tags_share: float = 0.7
    #: TITLE-6: gift and occasion words that make a tag a gift/occasion tag.
    occasion_terms: Phrases
    #: DESC-12: share of the raw description written as HTML entities.
    entity_share: float = 0.3
    #: DESC-12: mojibake sequences ("Ã¢â‚¬") needed, and their share of the characters.
    mojibake: int = 5
    mojibake_share: float = 0.1
    #: DESC-12: a run of this many blank lines is a page-sized gap.
    blank_lines: int = 40
    #: DESC-12: share of symbols standing in for letters, with this many "l33t" words ...
    symbol_share: float = 0.2
    leet_words: int = 2
    #: ... or this share of symbols alone.
    symbol_share_alone: float = 0.35
    #: TITLE-4 / DESC-12: digits standing in for letters ("C3r4m1c C0ff33"): at least this many
    #: such words in a title (in a description) that read as English words with the digits
    #: turned back, making up at least ``leet_share`` of the words.
    #: TITLE-5: one word said this many times in a row ("Mug Mug Mug") is spam, unless it is
    #: a sound or a cheer ("Ho Ho Ho", "Love Love Love").
    stutter_words: int = 3
    stutter_ok: frozenset[str] = frozenset()
    leet_title_words: int = 2
    leet_description_words: int = 3
    leet_share: float = 0.3


# --- title.yaml (TITLE-*) -----------------------------------------------------------------


class TitlePolicy(Section):
    #: TITLE-3: free shipping named in the title.
    free_shipping: Phrases
    #: TITLE-9: absolute / superlative marketing claims.
    absolute_claims: Phrases
    #: TITLE-9: text right after a claim that makes it a slogan or a number on the
    #: product ("#1 Dad", "Number 1 Balloon"), and right before it ("Shade #1").
    claim_slogan_after: Patterns = Field(default=(), validate_default=True)
    claim_label_before: Patterns = Field(default=(), validate_default=True)
    #: TITLE-7: a title needs at least this many letters before its case is judged.
    min_letters_for_case: int = 6


# --- queue.yaml (REVIEW-3: the human queue's deadlines) -----------------------------------


class QueuePolicy(Section):
    """How long people may take (RULEBOOK REVIEW-3), read by the review service."""

    #: Ordinary goods: 1-2 business days; the queue is ordered by this deadline.
    ordinary_business_days: int = Field(2, ge=1)
    #: New or high-risk categories (e.g. consumer electronics): 3-5 business days.
    high_risk_business_days: int = Field(5, ge=1)
    #: Category words that make a listing high-risk.
    high_risk_categories: Phrases
    #: An appeal (REVIEW-4) is answered within this many business days.
    appeal_business_days: int = Field(2, ge=1)
    #: The marketplace's big sales (REVIEW-3: in the days before one the queue backs up).
    big_sales: list[date] = Field(default_factory=list)
    #: How many days before a big sale the queue is slower, and by what factor.
    sale_window_days: int = Field(15, ge=0)
    sale_slowdown: float = Field(1.4, ge=1)

    def deadline_days(self, days: int, queued: date) -> int:
        """Business days for an item queued on ``queued``: ``days``, stretched by the
        slowdown (rounded up) when a big sale is at most ``sale_window_days`` ahead.

        Example: 2 days, queued 2026-11-01 with a sale on 2026-11-11 -> 3 days.
        """
        if any(0 <= (sale - queued).days <= self.sale_window_days for sale in self.big_sales):
            return math.ceil(round(days * self.sale_slowdown, 6))  # 5 x 1.4 is 7, not 8
        return days


# --- required.yaml (DESC-8 .. DESC-11, DESC-Q: required information) -------------------


class RequiredPoints(Section):
    material_share: int = 5
    size_table_cm: int = 5
    use_scenario: int = 3


class RequiredPolicy(Section):
    """Words and thresholds that tell whether required information is stated."""

    #: Fields never searched (a category path or brand states nothing about the product).
    skip_sources: list[str] = Field(default_factory=list)
    #: Kinds of goods (facts.kinds) that need a material / composition / specifications.
    material_kinds: list[str]
    composition_kinds: list[str]
    specs_kinds: list[str]
    #: Kinds that are never jewellery for DESC-10, even when also called jewellery (a watch).
    not_jewellery: list[str] = Field(default_factory=list)
    #: DESC-10: material words, precious metals with fineness, "Material:" labels.
    material_words: Phrases
    material_patterns: Patterns
    precious_metals: Patterns
    material_labels: Patterns
    vague_materials: Phrases
    #: Values after a material label that describe something else ("Fabric: Slight Stretch").
    not_materials: Phrases = Field(default=(), validate_default=True)
    weak_materials: Phrases
    #: DESC-Q: a material with its share ("95% cotton").
    material_share: Patterns
    #: DESC-11: ingredient headings and what an ingredient looks like.
    ingredient_headers: Patterns
    ingredient_words: Phrases
    ingredient_codes: Patterns
    ingredient_doses: Patterns
    ingredient_suffixes: Patterns
    min_suffix_word: int = 7
    name_filler: list[str] = Field(default_factory=list)
    min_ingredients: int = Field(2, ge=1)
    ingredient_window: int = 600
    max_item_chars: int = 80
    max_non_ingredients: int = 2
    #: DESC-9: spec kind -> patterns; electronics need ``min_spec_kinds`` of them.
    spec_patterns: dict[str, Patterns]
    min_spec_kinds: int = Field(2, ge=1)
    #: DESC-8: set/kit titles, titles that name their parts, contents statements.
    multi_item_titles: Patterns
    enumeration: Patterns
    single_item_sets: Phrases
    obvious_set_kinds: list[str] = Field(default_factory=list)
    contents_cues: Patterns
    #: DESC-Q hints.
    use_scenario: Patterns
    size_table_cm: Patterns
    quality_material_kinds: list[str] = Field(default_factory=list)
    quality_size_kinds: list[str] = Field(default_factory=list)
    quality_points: RequiredPoints = RequiredPoints()
    #: Confidence of each kind of finding (>= meta.thresholds.reject rejects).
    missing_confidence: float = Field(0.9, ge=0, le=1)
    weak_confidence: float = Field(0.5, ge=0, le=1)
    photo_doubt_confidence: float = Field(0.6, ge=0, le=1)
    name_only_confidence: float = Field(0.9, ge=0, le=1)
    one_spec_confidence: float = Field(0.8, ge=0, le=1)


# --- term groups (prohibited, offensive, brands, special, danger) -------------------------


def _no_terms() -> TermSet:
    return _to_phrases(())


class TermGroup(Section):
    """A named group of terms with its exceptions (one prohibited class, one kind of
    offensive word, the counterfeit signals ...).

    A ``terms``/``patterns`` match is a clear hit; an ``unsure`` match (or a clear
    term inside an unsure phrase: "vape" in "vape case") is an unsure one; a match
    inside an ``innocent`` phrase ("glue gun", "bath bomb") is no hit; any
    ``innocent_context`` word elsewhere in the listing makes the group's hits
    innocent ("bitch" in a listing about puppies).
    """

    name: str = ""
    terms: Phrases = Field(default_factory=_no_terms)
    patterns: Patterns = Field(default_factory=_no_terms)
    unsure: Phrases = Field(default_factory=_no_terms)
    innocent: Phrases = Field(default_factory=_no_terms)
    innocent_context: Phrases = Field(default_factory=_no_terms)
    #: Confidence of a clear hit / an unsure hit of this group.
    confidence: float = Field(0.9, ge=0, le=1)
    unsure_confidence: float = Field(0.6, ge=0, le=1)


# --- prohibited.yaml (PROHIBITED-1, PROHIBITED-2) -----------------------------------------


class ProhibitedPolicy(Section):
    #: PROHIBITED-1: the prohibited classes (the article's 12 classes; counterfeit is BRAND-1).
    classes: dict[str, TermGroup]
    #: PROHIBITED-2: sensitive claims ("military grade", "bulletproof").
    sensitive_claims: TermGroup
    #: Listing fields read: title, description, category, variants.
    fields: list[str] = Field(default_factory=lambda: ["title", "description", "category", "variants"])
    #: A term right after one of these outside the title is what the product detects,
    #: replaces or is free of ("detects counterfeit bills", "no nicotine"), not the product.
    accessory_cues: Patterns = Field(default_factory=_no_terms)


# --- offensive.yaml (OFFENSIVE-1) ---------------------------------------------------------


class OffensivePolicy(Section):
    #: Kinds of offensive words, each with its innocent uses.
    groups: dict[str, TermGroup]
    #: Words just before an ambiguous word that aim it at a person ("stupid bitch").
    aimed_before: Phrases
    #: Words just after it that do the same ("pigs who ...").
    aimed_after: Phrases
    #: Confidence of an ambiguous word aimed at a person.
    aimed_confidence: float = Field(0.9, ge=0, le=1)
    #: How many words before / after are read for the aim.
    aim_window_words: int = 2
    #: Groups whose unsure words become clear when aimed at a person.
    aimed_groups: list[str] = Field(default_factory=list)


# --- brands.yaml (BRAND-1, BRAND-3) -------------------------------------------------------


class BrandPolicy(Section):
    #: Protected brands (frequently counterfeited); case-insensitive phrases.
    protected: Phrases
    #: Short brand marks matched case-sensitively ("LV", "HP", "YSL").
    protected_marks: Patterns
    #: A brand after one of these is named for compatibility ("for iPhone 15").
    compatibility_cues: Phrases
    #: Counterfeit signals that count with a brand anywhere in the same field
    #: ("replica", "AAA quality", "1:1 copy", "fake", "bản S.Cấp").
    signals: TermGroup
    #: Signals that count only right next to a brand ("LV Inspired", "Asics 1:1").
    near_signals: TermGroup
    #: "Right next to": at most this many characters between the brand and the signal.
    near_chars: int = 25
    #: Signals that count only straight after a brand ("Nike-style", "Chanel Style Tee"):
    #: "Street Style Nike Sneakers" names the brand, it does not imitate it.
    after_brand: Phrases = Field(default_factory=_no_terms)
    #: A signal right after one of these is denied ("not fake", "beware of replicas").
    negations: Patterns = Field(default_factory=_no_terms)
    #: A strong signal with a brand only in another field of the listing.
    other_field_confidence: float = Field(0.6, ge=0, le=1)
    #: ``brand`` field values that are not brands ("AAA", "No Brand", "Generic").
    not_brands: Phrases
    #: BRAND-3: a key parameter in a title (a figure with a unit: "6GB", "20000mAh", "40 cm").
    key_parameter: Patterns
    #: BRAND-3: a model designation ("v220w", "S23", "Note 12").
    model: Patterns
    #: BRAND-3: quality points per missing element.
    quality_points: int = 3


# --- special.yaml (SPECIAL-1..4) ----------------------------------------------------------


class SpecialPolicy(Section):
    #: SPECIAL-1: USB flash drives ("pen drive", "флешка"); memory cards, SSDs, HDDs are not.
    flash_drive: Phrases
    not_flash_drive: Phrases
    #: 512 GB itself is rejected too (guideline §4).
    flash_drive_min_gb: float = 512
    #: SPECIAL-2: power banks; more than this many mAh is misleading (50000 passes).
    power_bank: Phrases
    power_bank_max_mah: float = 50000
    #: SPECIAL-3: phone screen glass; a grade above this many "D" is misleading (5D passes).
    screen_glass: Phrases
    screen_glass_max_d: float = 5
    #: A capacity figure in this context is not the product's ("64GB with 2TB cloud storage",
    #: "supports up to 2TB"): patterns over the figure with its surroundings.
    not_capacity: Patterns = Field(default_factory=_no_terms)
    #: SPECIAL-4: goods not sold on Joom (the platform's list; placeholder entries).
    not_sold: dict[str, TermGroup] = Field(default_factory=dict)


# --- danger.yaml (DANGER-1, DANGER-2) -----------------------------------------------------


class DangerousGoods(Section):
    """A kind of goods that is dangerous, and the dangerous kinds it may be declared as."""

    terms: Phrases
    kinds: list[str]
    #: Words in the title that make it something else ("perfume bottle", "nail lamp").
    not_goods: Phrases = Field(default_factory=_no_terms)
    #: Confidence when declared ``not_dangerous`` (a shampoo is liquid, but that is
    #: less clear-cut than a power bank).
    not_dangerous_confidence: float = Field(0.9, ge=0, le=1)


class DangerPolicy(Section):
    #: DANGER-2: goods that are clearly dangerous, with their correct kinds.
    goods: dict[str, DangerousGoods]
    #: A goods term after one of these names an accessory or compatibility, not the goods
    #: ("cable for power bank", "shampoo bottle").
    accessory_before: Phrases
    accessory_after: Phrases
    #: DANGER-1: words anywhere in the listing that show a declared kind may be right.
    evidence: dict[str, Phrases]
    #: Statements that deny a kind ("Batteries Included: No"), removed before evidence.
    denials: dict[str, Patterns] = Field(default_factory=dict)
    #: Goods that are clearly harmless (a T-shirt, a ceramic mug, a curtain).
    harmless_goods: Phrases
    #: A declared kind with no evidence: clear when denied or the goods are harmless,
    #: otherwise only a warning.
    clear_confidence: float = Field(0.9, ge=0, le=1)
    no_evidence_confidence: float = Field(0.5, ge=0, le=1)


# --- kinds.yaml (the kind of goods: RULEBOOK §8, §14 "Required information") ------------


class KindTerms(Section):
    """The words that name one kind of goods."""

    #: Plain words and phrases ("t-shirt", "ankle boots").
    terms: Phrases
    #: Regexes, for scripts without word boundaries (Thai, Chinese).
    patterns: Patterns = Field(default=(), validate_default=True)
    #: Phrases in which a term does not name the kind ("key ring", "ice cream").
    exclude: Phrases = Field(default=(), validate_default=True)


class KindsPolicy(Section):
    """How the kind of goods is read from category, title and description."""

    #: Kind name -> its words. Names are the fixed vocabulary of ``analysis.kinds.KINDS``.
    kinds: dict[str, KindTerms]
    #: A kind implies these others (a ring is jewellery, a dress is clothing).
    implies: dict[str, list[str]] = Field(default_factory=dict)
    #: A kind word followed by one of these names an accessory of it ("Shoe Rack").
    accessory_words: Phrases
    #: A part of the goods between a kind word and an accessory word ("USB Cable Organizer").
    part_words: Phrases = Field(default=(), validate_default=True)
    #: A category segment with one of these names accessories; the search stops there.
    category_stop_words: Phrases
    #: Text right before a kind word that makes it a purpose ("Rack for Shoes").
    purpose_cues: Patterns
    #: Text right before a kind word that makes it a feature or part of another product
    #: ("Case with MagSafe Ring", "Backpack with USB Port"): ends with the cue and its words.
    feature_cues: Patterns = Field(default=(), validate_default=True)
    #: A head right before a feature cue that holds several goods ("Set with", "Kit with"):
    #: the kind words after it are the goods, not features.
    feature_heads: Patterns = Field(default=(), validate_default=True)
    #: Text right before a kind word that names a purpose through a brand or model
    #: ("Insoles for Nike Sneakers", "Bag for DJI Mini 3 Drone"); group ``words`` holds
    #: the words between the cue and the kind word.
    purpose_model_cues: Patterns = Field(default=(), validate_default=True)
    #: Words after "for" that name who or when the product is for ("for Women Summer
    #: Dress"): then the kind word after them is the product.
    purpose_audience: Phrases = Field(default=(), validate_default=True)
    #: A category or title naming one of these is of no kind here (adult products).
    no_kind: Phrases = Field(default=(), validate_default=True)
    #: A category naming one of these holds goods of no kind here, whatever the title says
    #: ("Beverages > Beer": a can's "Silver Ring" is not a ring).
    no_kind_categories: Phrases = Field(default=(), validate_default=True)
    #: Goods that are no size-chart kind (neckties, cufflinks, belts): a title naming one of
    #: these and no kind sells it, so a broad category ("Clothing > Men's Clothing") names none.
    unsized_goods: Phrases = Field(default=(), validate_default=True)
    #: A kind named only in the description needs this many mentions.
    description_min_mentions: int = Field(2, ge=1)
    #: Only this much of the description is read for the kind.
    max_description_chars: int = 5000


# --- variants.yaml (VARIANT-*) ------------------------------------------------------------


class VariantsPolicy(Section):
    #: VARIANT-3: a variant that repeats another one (same colour, size, attributes and photo).
    duplicate_confidence: float = Field(0.9, ge=0, le=1)


# --- inconsistent.yaml (INCONSISTENT-*) -----------------------------------------------------


class LotPolicy(Section):
    """The words ``analysis.lots`` reads a lot quantity with ("2 pcs", "Pack of 2")."""

    piece_units: list[str]
    pair_units: list[str]
    set_units: list[str]
    #: "<word> of N": "Pack of 2", "Set of 4", "Lot of 5".
    group_words: list[str]
    #: Labels of a quantity statement ("Quantity: 1pc", "Package Contents: 1 x ...").
    statement_labels: list[str]
    #: "single" before one of these is a size or a design, not one item ("Single Bed").
    single_not_lot: list[str]
    #: A number before one of these is no lot ("3 layers", "4 seater", "6 months").
    not_lot_nouns: list[str]
    #: Words that name a count ("Twin Pack": 2, "Dozen": 12; "2 Dozen": 24).
    named_counts: dict[str, int] = {}
    #: A variant attribute of one of these names states the lot ("Quantity: 6 glasses",
    #: "Pack: Single").
    variant_quantity_keys: list[str] = []
    #: A count after one of these is a rate, not the lot ("50g per pc").
    per_words: list[str]


class ProductKind(Section):
    """One kind of product and the family of near kinds it may be confused with."""

    family: str
    terms: list[str]


class AttributeConflict(Section):
    """A property whose values exclude each other (sleeve length: sleeveless / short / long)."""

    #: The description's label for the property ("Sleeve Length").
    label: Patterns
    #: Value name -> the phrases that state it.
    values: dict[str, Phrases]
    #: The description's product line (its first or "Product:" line) stating another value
    #: without the label ("Women's T-shirt, 100% cotton" under "Men's T-Shirt") is a doubt.
    product_line: bool = False


class InconsistentPolicy(Section):
    lots: LotPolicy
    #: Product kind name -> its family and words (INCONSISTENT-1, INCONSISTENT-3).
    products: dict[str, ProductKind]
    #: A product word right after one of these is an accessory or a compatibility
    #: mention, not the product sold ("Stand for Phone", "Mug with Coaster").
    compatibility_cues: Phrases
    #: A product word right before one of these names an accessory of it ("Mug Warmer",
    #: "Towel Rack") or a motif ("Cat Print").
    accessory_after: Phrases
    #: Labels whose value names the product ("Product: Thermos Bottle", "Type: ...").
    product_labels: Patterns
    #: How much of the description's start is read as its product name line.
    head_chars: int = 200
    #: INCONSISTENT-1: properties that title and description may not state differently.
    attribute_conflicts: dict[str, AttributeConflict] = Field(default_factory=dict)
    #: INCONSISTENT-1 with no product line: a kind named this often in the description body.
    body_min_mentions: int = Field(3, ge=1)
    #: Families a seller may name one for the other ("Ladies Purse" for a crossbody bag,
    #: "Smart Bracelet" for a smart watch, "Sports Kettle" for a water bottle): each pair
    #: counts as one family when the title and the description are compared.
    near_families: list[tuple[str, str]] = []
    #: Families whose goods are no print or motif: a colour "Wireless Charger" is another
    #: product, a colour "Umbrella" may be a print (INCONSISTENT-3).
    not_motif_families: list[str] = []
    #: INCONSISTENT-3 when the title names no known product: variants of this many families.
    untitled_min_families: int = Field(3, ge=2)
    #: Confidence of a clear mismatch, and of one between near kinds or weakly stated.
    clear_confidence: float = Field(0.9, ge=0, le=1)
    unsure_confidence: float = Field(0.6, ge=0, le=1)


# --- photo.yaml, brand_bank.yaml (RULEBOOK §5; BRAND-2, VARIANT-1/2, INCONSISTENT-5) ----


class PhotoLoading(Section):
    """Limits for reading photos (SSRF guard, sizes, timeouts)."""

    max_bytes: int = Field(20 * 1024 * 1024, ge=1)
    max_pixels: int = Field(40_000_000, ge=1)
    fetch_urls: bool = True
    timeout_s: float = Field(5.0, gt=0)
    total_timeout_s: float = Field(15.0, gt=0)
    max_redirects: int = Field(3, ge=0)
    allow_private: bool = False


class PhotoOcr(Section):
    enabled: bool = True
    det_side: int = Field(480, ge=64)
    min_score: float = Field(0.6, ge=0, le=1)


class PhotoThresholds(Section):
    min_product_share: float = 0.35
    blank_max_std: float = 6.0
    blank_max_edge_share: float = 0.002
    min_sharpness: float = 0.08
    min_side: int = 120
    max_identical: int = Field(2, ge=1)
    identical_distance: int = Field(12, ge=0, le=256)
    detectors_sure_min: float = 0.85
    watermark_min_angle: float = 12
    watermark_min_repeats: int = 3
    unread_max_share: float = 0.35
    min_line_chars: int = 3
    bilingual_min_share: float = 0.5


class PhotoQuality(Section):
    min_side: int = 800
    square_tolerance: float = 0.05
    white_min: int = 235
    white_min_uniformity: float = 0.9
    min_photos: int = 2
    max_video_s: float = 30
    points: dict[str, int] = Field(default_factory=dict)


class PhotoVariants(Section):
    max_hue_distance: float = 40
    hues: dict[str, float] = Field(default_factory=dict)
    unrelated_max_shape: float = 0.5
    unrelated_min_pdq: int = 90
    unrelated_confidence: float = Field(0.5, ge=0, le=1)


class PhotoNudity(Section):
    enabled: bool = True
    labels: tuple[str, ...] = ()
    reject_score: float = Field(0.8, ge=0, le=1)
    review_score: float = Field(0.4, ge=0, le=1)


class PhotoPatterns(Section):
    price: Patterns
    discount: Patterns
    warranty: Patterns
    warranty_exceptions: Patterns
    link: Patterns
    watermark: Patterns
    quantity: Patterns


class PhotoPolicy(Section):
    #: INCONSISTENT-5: families of materials a photo may claim (a fabric, a metal, ...).
    materials: dict[str, list[str]] = {}
    loading: PhotoLoading = PhotoLoading()
    ocr: PhotoOcr = PhotoOcr()
    thresholds: PhotoThresholds = PhotoThresholds()
    quality: PhotoQuality = PhotoQuality()
    variants: PhotoVariants = PhotoVariants()
    nudity: PhotoNudity = PhotoNudity()
    patterns: PhotoPatterns


class BankEntry(Section):
    brand: str
    #: PDQ hash, 64 hex digits.
    pdq: str = Field(pattern=r"^[0-9a-f]{64}$")
    source: str = ""


class BrandBank(Section):
    """BRAND-2: PDQ hashes of brands' official imagery (filled by ``shelfcheck bank add``)."""

    reject_distance: int = Field(31, ge=0, le=256)
    review_distance: int = Field(63, ge=0, le=256)
    entries: tuple[BankEntry, ...] = ()


# --- size.yaml (SIZE-1 .. SIZE-6: measurements and size charts) ---------------------------


class SizeGoods(Section):
    """What one kind of size-chart goods needs (RULEBOOK §8, §14)."""

    #: SIZE-5: at least one of these parameters must be measured ([] = any measurement).
    needs: list[str] = Field(default_factory=list)
    #: Parameters that say nothing about this kind's size (a shoe's heel height).
    ignore: list[str] = Field(default_factory=list)
    #: The rules that fire when there is no size information at all.
    when_missing: list[str] = Field(default_factory=lambda: ["SIZE-1"])
    #: A bare measurement in a variant's size or the title measures this parameter.
    default_param: str | None = None
    #: The range (cm) a bare measurement must fall in to be read as ``default_param``: a
    #: ring's "6mm" is its band width, not its inner diameter. None: any value.
    default_range_cm: tuple[float, float] | None = None
    #: An unlabelled "A x B cm" pair on these goods measures this parameter: a T-shirt chart
    #: "S: 41x63cm" under "(Largo X Ancho)" or no header at all is width x length, the
    #: width across the chest. None: such a pair names no parameter.
    pair_param: str | None = None
    #: Whether a size chart without measurements (only "US / EU / UK" sizes) counts as
    #: size information (SIZE-1); clothing needs a measurement (RULEBOOK §14).
    chart_without_measurements_counts: bool = True


class SizePolicy(Section):
    """Units, parameter names and per-kind needs for the size rules."""

    #: Length units: spelling -> centimetres per unit.
    length_units: dict[str, float]
    #: Other quantities a title may claim (SIZE-6): spelling -> [dimension, base units per unit].
    other_units: dict[str, tuple[str, float]] = Field(default_factory=dict)
    #: Canonical length units that count as metric (SIZE-2).
    metric: list[str] = Field(default_factory=lambda: ["cm", "mm", "m"])
    #: Canonical unit of each spelling ("cms" -> "cm", '"' -> "inch").
    canonical: dict[str, str] = Field(default_factory=dict)
    #: Parameter name -> the words that name it ("chest": bust, chest, 胸围 ...).
    parameters: dict[str, Phrases]
    #: Parameters in other scripts, as regexes (no word boundaries).
    parameter_patterns: dict[str, Patterns] = Field(default_factory=dict)
    #: Chart columns (and text tokens) that hold a size label, not a measurement.
    label_headers: Phrases
    #: A measurement followed or preceded by these is a tolerance ("1-2 cm error").
    tolerance_after: Patterns
    tolerance_before: Patterns
    #: Sizes that are no size at all ("one size", "free size") for SIZE-4.
    no_size_labels: Phrases
    #: Kind (facts.kinds) -> what it needs; only these kinds are size-chart goods.
    goods: dict[str, SizeGoods]
    #: SIZE-3: two values of one parameter differ when apart by more than both of these.
    contradiction_cm: float = 0.5
    contradiction_share: float = 0.015
    #: SIZE-1 on a listing with photos: the size may be on a photo (confidence below reject).
    photo_doubt_confidence: float = Field(0.6, ge=0, le=1)


# --- description.yaml (DESC-2 .. DESC-7, TITLE-1: what a text must not say) --------------


class LinkPolicy(Section):
    """How a web address is told from a decimal, a version or a run-on sentence."""

    #: Suffixes that count in a bare "name.suffix" (no scheme, "www." or path); two-letter
    #: country codes count unless listed in ``ambiguous``.
    common_suffixes: frozenset[str] = frozenset()
    #: Country codes that are common words or units ("in", "it", "cm", "mm"): a bare
    #: "name.in" counts only with a scheme, "www." or a path.
    ambiguous: frozenset[str] = frozenset()
    #: Confidence of a bare domain equal to the listing's brand ("Eureka.in").
    brand_domain_confidence: float = Field(0.6, ge=0, le=1)


class PhonePolicy(Section):
    """Phone numbers (DESC-4): which regions, which cues, what is not a phone."""

    #: Regions whose national numbering the matcher tries (ISO 3166 codes).
    regions: list[str]
    #: Fewest and most digits of a phone number.
    min_digits: int = 9
    #: Right after a cue ("Hotline: 1900 6868", "Tel: 9123 4567"), a number written in
    #: groups may be this short (eight-digit numbers of Vietnam, Singapore, Hong Kong).
    min_digits_after_cue: int = 8
    max_digits: int = 15
    #: Words right before a number that announce a phone ("Tel:", "Call", "WhatsApp").
    cues: Phrases
    #: Cues that also ask the buyer to get in touch (DESC-5): "Call", "WhatsApp".
    contact_cues: Phrases
    #: Labels right before a number that make it no phone ("Model No.", "EAN", "SKU").
    not_phone_labels: Phrases
    #: Units right after a number that make it a measure ("mAh", "mm").
    not_phone_units: Phrases


class ContactPolicy(Section):
    """Calls to contact the seller (DESC-5) and the invitations that are allowed."""

    #: "contact us", "message me", "send us an e-mail", "DM me" ...
    calls: Phrases
    #: The same for scripts without word boundaries and other languages (regexes).
    call_patterns: Patterns = Field(default=(), validate_default=True)
    #: Messenger and contact channels ("WhatsApp", "Telegram", "WeChat").
    messengers: Phrases
    #: A messenger name counts when followed by one of these (":", a number, "@handle") ...
    messenger_after: Patterns
    #: ... or preceded by one of these ("add us on", "chat with us via").
    messenger_before: Patterns
    #: Contact phrases aimed at someone else ("contact the manufacturer", "contact with skin").
    not_calls: Phrases = Field(default=(), validate_default=True)
    #: Allowed invitations: follow, visit, rate, favourite the store (never a hit).
    allowed: Phrases


class ClaimPatterns(Section):
    """A kind of promise (warranty, delivery time): clear and unsure patterns, exceptions."""

    #: A cheap first look (lower-case substrings): the patterns below are only tried
    #: around these; without one of them no pattern can match.
    gate: tuple[str, ...]
    #: A clear promise.
    clear: Patterns
    #: A possible promise (warn only).
    unsure: Patterns = Field(default=(), validate_default=True)
    #: Matches inside one of these are no promise ("money-back guarantee").
    exceptions: Patterns = Field(default=(), validate_default=True)


class DescriptionPolicy(Section):
    """What a title or description must not say: links, contacts, warranties, delivery times."""

    links: LinkPolicy = LinkPolicy()
    phones: PhonePolicy
    contact: ContactPolicy
    #: DESC-6: a seller's warranty or service-life guarantee.
    warranty: ClaimPatterns
    #: DESC-7: a delivery-time promise.
    delivery: ClaimPatterns
    #: Confidence of a clear hit and of an unsure one.
    clear_confidence: float = Field(0.9, ge=0, le=1)
    unsure_confidence: float = Field(0.6, ge=0, le=1)


# --- the policy ---------------------------------------------------------------------------


class Policy(Section):
    """One policy version: every list and number the rules read.

    Each field is one YAML file of the same name in the policy folder
    (``platforms`` <- ``platforms.yaml``). To add a section: define its model
    above, add the field here, add the file.
    """

    meta: Meta
    platforms: Platforms
    language: LanguagePolicy
    title: TitlePolicy
    readability: ReadabilityPolicy
    prohibited: ProhibitedPolicy
    offensive: OffensivePolicy
    brands: BrandPolicy
    special: SpecialPolicy
    danger: DangerPolicy
    queue: QueuePolicy
    required: RequiredPolicy
    kinds: KindsPolicy
    size: SizePolicy
    photo: PhotoPolicy
    brand_bank: BrandBank
    variants: VariantsPolicy
    inconsistent: InconsistentPolicy
    description: DescriptionPolicy

    @property
    def version(self) -> str:
        return self.meta.version


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise PolicyError(f"policy file missing: {path}") from exc
    except yaml.YAMLError as exc:
        raise PolicyError(f"policy file {path} is not valid YAML: {exc}") from exc


def load_policy(directory: str | Path | None = None) -> Policy:
    """Load and validate the policy folder (the default one if ``directory`` is None)."""
    return _load_policy(Path(directory or DEFAULT_POLICY_DIR).resolve())


@lru_cache(maxsize=8)
def _load_policy(directory: Path) -> Policy:
    if not directory.is_dir():
        raise PolicyError(f"policy folder not found: {directory}")
    expected = {f"{name}.yaml" for name in Policy.model_fields}
    unknown = sorted(p.name for p in directory.glob("*.yaml") if p.name not in expected)
    if unknown:
        raise PolicyError(f"policy folder {directory} has unknown files: {', '.join(unknown)}")
    data = {name: _read_yaml(directory / f"{name}.yaml") for name in Policy.model_fields}
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(f"policy folder {directory} is invalid:\n{exc}") from exc
