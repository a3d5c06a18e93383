"""Mentions of other marketplaces and shops (RULEBOOK §6 TITLE-2, §7 DESC-3, §14).

A name from the policy's ``platforms.forbidden`` list is a mention unless:

* it names a device for compatibility: a product line follows ("Amazon Kindle",
  "Amazon Echo Dot") or a compatibility cue comes right before ("for Amazon",
  "compatible with Amazon");
* it sits inside an innocent phrase ("Amazon Green", "Amazon parrot");
* it is an approved platform (the marketplace itself).

Word boundaries keep "Amazonite" and "Wishbone" out. A platform domain
("Only at Flipkart.com") is a mention too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shelfcheck.policy import Platforms

_POSSESSIVE = re.compile(r"^(?:['’]s)?[\s\-]*")


@dataclass(frozen=True, slots=True)
class Mention:
    """A platform named in a text."""

    text: str
    span: tuple[int, int]


def find_platform_mentions(text: str, platforms: Platforms) -> tuple[Mention, ...]:
    """The mentions of other platforms in ``text``, compatibility mentions left out."""
    found = list(platforms.forbidden.finditer(text))
    if not found:
        return ()
    innocent = [m.span() for m in platforms.innocent.finditer(text)]
    approved = [m.span() for m in platforms.approved.finditer(text)]
    out: list[Mention] = []
    for m in found:
        start, end = m.span()
        if any(s <= start and end <= e for s, e in innocent + approved):
            continue
        if _is_compatibility(text, start, end, platforms):
            continue
        if platforms.word_names and m.group(0).lower() in {w.lower() for w in platforms.word_names}:
            around = text[max(0, start - 30) : end + 30]
            if not platforms.shop_context.pattern.search(around):
                continue  # "Allegro Music Box": a tempo, not the marketplace
        out.append(Mention(m.group(0), (start, end)))
    return tuple(out)


def _is_compatibility(text: str, start: int, end: int, platforms: Platforms) -> bool:
    # short snippets: their regexes run directly, a gate pass would cost more than it saves
    stripped = _POSSESSIVE.sub("", text[end : end + 40])
    line = platforms.product_lines.pattern.search(stripped)
    if line and line.start() == 0:
        return True
    makers = platforms.device_makers
    if makers and text[start:end].lower() not in {m.lower() for m in makers}:
        return False  # "Blank Mugs for Etsy Sellers": Etsy makes no device to fit
    before = text[max(0, start - 30) : start].rstrip()
    cues = platforms.compatibility_cues.pattern
    return any(c.end() == len(before) for c in cues.finditer(before))
