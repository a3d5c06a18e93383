"""Facts: everything the rules read about one listing, computed once and only when asked.

One ``Facts`` object is made per review. Each analysis is a
``functools.cached_property`` that calls a pure function of ``analysis/``, so
a listing's language, links, phones, quantities or kind of goods are worked
out at most once however many rules read them, and not at all when no rule
does (Presidio's precomputed NLP artifacts, Ruff's semantic model).

Rules never parse the raw listing themselves when a fact here says it.
"""

from __future__ import annotations

from functools import cached_property

from shelfcheck.analysis.text import Text, normalise
from shelfcheck.model import Listing
from shelfcheck.policy import Policy
from shelfcheck.tools import Tools


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
        return out

    @cached_property
    def all_text(self) -> str:
        """Every text source joined, one per line (for "is it stated anywhere")."""
        return "\n".join(text for _, text in self.text_sources)
