"""Links and domains in a text (RULEBOOK §6 TITLE-1, §7 DESC-2, §14).

A candidate is a run that looks like a web address: a scheme ("https://"), a
"www." start, or "name.suffix" with an optional path. tldextract (its bundled
public-suffix snapshot, never fetched: ``Tools.tldextract``) says whether the
suffix is real; our own guard then throws out what only looks like a domain:

* decimals, versions and units ("3.5mm", "v1.1", "USB 2.0"): the name has no letter
  or the suffix is no public suffix;
* run-on sentences ("dress.Red", "care.Dishwasher"): a bare name's suffix must be
  written in lower case (or the whole address in capitals) and be a common one or
  a country code;
* abbreviations ("e.g.", "No.1"): one-letter names and no suffix;
* country codes that are words or units ("Eureka.in", "size.cm"): a bare one is
  only a possible link (``Link.sure`` False).

E-mail addresses are left to ``analysis.contacts``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from shelfcheck.policy import LinkPolicy

_CANDIDATE = re.compile(
    r"(?<![\w@.\-])"
    r"(?P<scheme>(?:https?|ftp)://)?"
    r"(?P<www>www\d?\.)?"
    r"(?P<host>[^\W_](?:[\w\-]*[^\W_])?(?:\.[^\W_](?:[\w\-]*[^\W_])?)+)"
    r"(?P<path>[/?#][^\s<>\"'()\[\]{}|]*)?",
    re.IGNORECASE,
)
_OBFUSCATED = re.compile(
    r"(?<![\w@])(?P<host>[a-z0-9][a-z0-9\-]{1,62})\s*"
    r"(?:\(dot\)|\[dot\]|\{dot\}|\s+dot\s+|\(\.\)|\[\.\]|\{\.\})\s*"
    r"(?P<suffix>com|net|org|shop|store|online|info)\b",
    re.IGNORECASE,
)
# An address with spaces around its dots ("www . shop . com", "shop . com"): "www" or a lower-case
# common suffix after a spaced dot; a sentence ending before "Com..." has a capital.
_SPACED = re.compile(
    r"(?<![\w@.])(?:www\s*\.\s*)?(?P<host>[a-z0-9][a-z0-9\-]{1,62})\s+\.\s*"
    r"(?P<suffix>com|net|org|shop|store|online)\b"
    r"|(?<![\w@.])www\s*\.\s*(?P<host2>[A-Za-z0-9][A-Za-z0-9\-]{1,62})\s*\.\s*(?P<suffix2>[a-z]{2,6})\b",
)
_DOT_LETTER = re.compile(r"[^\W_]\.[^\W\d_]")
_AT_BEFORE = re.compile(r"(?:@|\(at\)|\[at\]|\{at\})\s*$", re.IGNORECASE)
_AT_AFTER = re.compile(r"^\s*(?:@|\(at\)|\[at\]|\{at\})", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Link:
    """A web address found in a text."""

    text: str
    span: tuple[int, int]
    #: The registered domain ("bit.ly", "jmdhome.in").
    domain: str
    #: The name part of the domain ("jmdhome").
    name: str
    #: Written with a scheme, "www." or a path (not only "name.suffix").
    explicit: bool
    #: False for a bare address whose suffix is also a word or unit ("Eureka.in").
    sure: bool


def find_links(text: str, extractor: Any, policy: LinkPolicy) -> tuple[Link, ...]:
    """The web addresses in ``text``; ``extractor`` is a ``tldextract.TLDExtract``."""
    out: list[Link] = []
    done = -1
    for dot in _DOT_LETTER.finditer(text):  # read only the words that hold "x.y"
        if dot.start() < done:
            continue
        start = max(text.rfind(" ", 0, dot.start()), text.rfind("\n", 0, dot.start())) + 1
        ends = [i for i in (text.find(" ", dot.end()), text.find("\n", dot.end())) if i >= 0]
        done = min(ends) if ends else len(text)
        for m in _CANDIDATE.finditer(text, start, done):
            link = _judge(m, text, extractor, policy)
            if link:
                out.append(link)
    lowered = text.lower()
    obfuscated = list(_OBFUSCATED.finditer(text)) if ("dot" in lowered or ".)" in text
                                                       or ".]" in text or ".}" in text) else []
    spaced = list(_SPACED.finditer(text)) if " ." in text or ". " in text else []
    for m in obfuscated + spaced:
        if _AT_BEFORE.search(text[max(0, m.start() - 8) : m.start()]):
            continue
        if any(m.start() < link.span[1] and link.span[0] < m.end() for link in out):
            continue
        groups = m.groupdict()
        host = (groups.get("host") or groups["host2"]).lower()
        suffix = (groups.get("suffix") or groups["suffix2"]).lower()
        explicit = m.group(0).lower().startswith("www")
        out.append(Link(m.group(0), m.span(), f"{host}.{suffix}", host, explicit, True))
    return tuple(out)


def _judge(m: re.Match[str], text: str, extractor: Any, policy: LinkPolicy) -> Link | None:
    start, end = m.span()
    if _AT_BEFORE.search(text[max(0, start - 8) : start]) or _AT_AFTER.match(text[end : end + 8]):
        return None  # part of an e-mail address
    host = m.group("host").rstrip(".-")
    parts = extractor(host)
    suffix, name = parts.suffix, parts.domain
    if not suffix or not name or not any(c.isalpha() for c in name):
        return None
    explicit = bool(m.group("scheme") or m.group("www"))
    path = m.group("path") or ""
    written_suffix = host[len(host) - len(suffix) :]
    last = written_suffix.rsplit(".", 1)[-1]
    if not explicit:
        if len(name) < 2 and not path:
            return None
        capitals = host.isupper() and last.lower() in policy.common_suffixes
        if not (last.islower() or capitals):
            return None  # "dress.Red": a sentence run on without a space
        if not (last.lower() in policy.common_suffixes or len(last) == 2):
            return None  # "foo.delivery", "colour.black": new generic suffixes that are words
    # "shop.com.my", "shop.co.uk": a second-level suffix before a country code is no word
    sure = explicit or bool(path) or last.lower() not in policy.ambiguous or "." in suffix
    token = text[start:end].rstrip(".,;:!?")
    domain = f"{name}.{suffix}".lower()
    return Link(token, (start, start + len(token)), domain, name.lower(), explicit or bool(path), sure)
