"""The language and readability analyses (TITLE-4..8, DESC-1, DESC-12) on their own."""

from __future__ import annotations

from shelfcheck.analysis.language import detect_language, strip_non_words
from shelfcheck.analysis.readability import measure_field
from shelfcheck.analysis.text import normalise
from shelfcheck.facts import Facts
from shelfcheck.model import Listing
from shelfcheck.policy import Policy
from shelfcheck.review import review
from shelfcheck.tools import Tools


def test_script_decides_at_once(policy: Policy, tools: Tools) -> None:
    found = detect_language("Женское летнее платье", policy.language, tools)
    assert (found.language, found.is_english, found.method) == ("ru", False, "script:Cyrillic")


def test_detectors_and_evidence(policy: Policy, tools: Tools) -> None:
    found = detect_language(
        "Robe d'été décontractée à manches courtes pour femmes", policy.language, tools
    )
    assert found.is_english is False and found.language == "fr"
    assert found.confidence >= policy.meta.thresholds.reject
    assert "lingua" in found.votes and "fasttext" in found.votes


def test_short_text_is_not_judged(policy: Policy, tools: Tools) -> None:
    found = detect_language("Material: Cotton", policy.language, tools)
    assert found.is_english is not False
    assert detect_language("", policy.language, tools).method == "empty"


def test_codes_and_units_are_stripped(policy: Policy) -> None:
    kept = strip_non_words(
        "Xiaomi Redmi Note 12 6GB+128GB USB-C iPhone 500 ml", policy.language.units
    )
    assert kept == ["Xiaomi", "Redmi", "Note"]


def test_readability_signals(policy: Policy, tools: Tools) -> None:
    text = normalise("Super Dress Mega Fashion Summer Super Dress Mega Fashion Summer", 1000)
    read = measure_field(text, text.clean, policy.readability, tools)
    assert read.repeated_phrase.lower() == "super dress mega fashion summer"
    assert read.repetition_share == 0.5
    assert not read.run_together and not read.symbol_runs and not read.fragments


def test_ten_megabyte_title_is_a_title_4_finding(policy: Policy, tools: Tools) -> None:
    listing = Listing(id="huge", title="Cotton Towel " * 800_000, description="Soft cotton towel.")
    facts = Facts(listing, policy, tools)
    assert facts.title.truncated
    decision = review(listing, policy=policy, tools=tools)
    assert any(f.rule == "TITLE-4" and f.outcome == "reject" for f in decision.findings)


def test_empty_texts_do_not_crash(policy: Policy, tools: Tools) -> None:
    facts = Facts(Listing(id="empty", title="", description=""), policy, tools)
    assert facts.title_language.is_english is None
    assert facts.description_readability.words == 0


def test_marketplace_words_of_other_languages(policy: Policy, tools: Tools) -> None:
    found = detect_language("Kemeja Pria Lengan Pendek Bahan Katun Premium", policy.language, tools)
    assert found.is_english is False and found.confidence >= policy.meta.thresholds.reject
    english = detect_language("Women Kaftan Maxi Dress Batik Print", policy.language, tools)
    assert english.is_english is True


def test_bilingual_by_sentence(policy: Policy, tools: Tools) -> None:
    text = "Материал: хлопок 100%. Стирка при 30 градусах. Material: 100% cotton. Machine wash at 30 degrees."
    assert detect_language(text, policy.language, tools).is_english is True
    cyrillic_with_brand = detect_language("Кроссовки мужские Nike Air Max", policy.language, tools)
    assert cyrillic_with_brand.is_english is False


def test_web_address_is_no_run_together_word(policy: Policy, tools: Tools) -> None:
    read = measure_field(normalise("Camping Mug www.campingmugworld.com", 1000), None, policy.readability, tools)
    assert read.run_together == []


def test_brand_names_are_not_english_words(policy: Policy, tools: Tools) -> None:
    # "Samsung" is frequent in the English word list (drawn from Wikipedia), but a brand says
    # nothing about the language: stripped, a Portuguese title is read as Portuguese.
    found = detect_language(
        "Capinha Anti Impacto Samsung Galaxy A54 Transparente", policy.language, tools
    )
    assert found.is_english is False
    kept = detect_language("Samsung Galaxy Buds Charging Case Cover", policy.language, tools)
    assert kept.is_english is not False


def test_non_english_words_count_beside_the_detectors(policy: Policy, tools: Tools) -> None:
    # No listed foreign word at all, but both detectors firmly German and no English word.
    found = detect_language(
        "Rostfreier Kochtopf Induktion geeignet Glasdeckel", policy.language, tools
    )
    assert (found.is_english, found.language) == (False, "de")
    # A short brand-and-model English title stays English or unsure.
    assert detect_language("La Briza Andria Boots", policy.language, tools).is_english is not False
