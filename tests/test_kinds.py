"""Kind-of-goods detection (analysis/kinds.py, kinds.yaml; RULEBOOK §8, §14).

Titles written for these tests in the styles of several marketplaces: keyword-stuffed
titles, accessories whose names contain a kind word, and titles in other languages.
"""

from __future__ import annotations

import pytest

from shelfcheck.analysis.kinds import find_kinds
from shelfcheck.policy import Policy

SIZE_CHART_GOODS = {
    "clothing",
    "clothing_top",
    "clothing_bottom",
    "shoes",
    "ring",
    "bag",
    "hat",
    "socks",
    "necklace",
}


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        # keyword-stuffed titles keep the kind they name most often
        ("Summer Dress Strap Mini Backless Beach Dress Casual Dresses", "clothing_top"),
        ("Men Shirt Button Down Long Sleeve Casual Shirt", "clothing_top"),
        ("Men Formal Suits 2 Piece Slim Fit Wedding", "clothing"),
        # Russian titles inflect their kind words
        ("Платья женские летние в цветочек", "clothing_top"),
        ("Джинсы мужские прямые", "clothing_bottom"),
        ("Толстовка с капюшоном детская", "clothing_top"),
        ("Кеды женские на платформе", "shoes"),
        ("Сумки женские через плечо", "bag"),
        ("Кольца серебряные набор", "ring"),
        ("Носки женские короткие", "socks"),
        ("Сыворотка для лица увлажняющая", "cosmetics"),
        ("Пауэрбанк быстрая зарядка", "power_bank"),
        # Indonesian / Malay / Vietnamese / Thai / Spanish / French
        ("Tas Ransel Sekolah Anak", "bag"),
        ("Kasut Kulit Lelaki Formal", "shoes"),
        ("Seluar Slack Wanita", "clothing_bottom"),
        ("Đầm Công Sở Nữ", "clothing_top"),
        ("Túi Xách Nữ Da", "bag"),
        ("กระเป๋าเป้ นักเรียน", "bag"),
        ("เสื้อยืดคอกลม", "clothing_top"),
        ("ถุงเท้าข้อยาว", "socks"),
        ("Bolso Bandolera Mujer", "bag"),
        ("Sac à Dos Femme Cuir", "bag"),
    ],
)
def test_kind_is_found(title: str, kind: str, policy: Policy) -> None:
    assert kind in find_kinds(title, "", "", policy.kinds).kinds


@pytest.mark.parametrize(
    "title",
    [
        # a kind word that only describes another product
        "Men's Dress Belt Leather Classic Buckle",
        "Shirt Stays Elastic Garters Adjustable",
        "Boot Shaper Inserts Tall Boots",
        "Shoe Drying Rack Stainless Steel",
        # a list of kinds before an accessory word: every one is the accessory's purpose
        "Jewelry Box 3 Layer Necklace Earring Ring Storage Case",
        "Necklace, Bracelet & Ring Holder Stand",
        # clothes for dolls and pets are not sized for people
        "Doll Clothes Dress Set for 18 Inch Dolls",
        "Dog Hoodie Warm Pet Sweater Winter",
        # other accessories
        "Biker Wallet Chain Jeans Chain Punk",
        "Кольцо для ключей с карабином",
    ],
)
def test_no_size_chart_kind(title: str, policy: Policy) -> None:
    assert not find_kinds(title, "", "", policy.kinds).kinds & SIZE_CHART_GOODS


def test_duffel_with_shoe_compartment_is_a_bag(policy: Policy) -> None:
    kinds = find_kinds("Duffel Gym Bag with Shoe Compartment", "", "", policy.kinds).kinds
    assert "bag" in kinds and "shoes" not in kinds


def test_cosmetic_lens_is_not_cosmetics(policy: Policy) -> None:
    kinds = find_kinds("Colored Cosmetic Lens Yearly Natural Brown", "", "", policy.kinds).kinds
    assert "cosmetics" not in kinds


def test_shoe_polish_in_russian_is_not_cosmetics(policy: Policy) -> None:
    assert "cosmetics" not in find_kinds("Крем для обуви черный", "", "", policy.kinds).kinds


def test_description_list_of_clothes_is_not_the_kind(policy: Policy) -> None:
    description = (
        "Holds shirts, dresses, socks and towels. Separate shirts and dresses from "
        "the rest of the wash."
    )
    kinds = find_kinds("Foldable Laundry Hamper with Handles", "", description, policy.kinds)
    assert not kinds.kinds


def test_description_naming_the_product_twice_gives_the_kind(policy: Policy) -> None:
    description = "A light dress for warm days. The dress has a tie waist and pockets."
    kinds = find_kinds("Summer Vibes Floral Print", "", description, policy.kinds)
    assert "clothing_top" in kinds.kinds
