"""Photos (RULEBOOK §5): safe loading, per-photo facts computed once, the brand bank.

Entry points for the CLI and the facts:

* :func:`photo_facts` — the facts of one photo reference, through the tools' cache;
* :func:`photo_facts_for` — the facts of several (a listing's photos);
* :func:`describe` — one photo's facts as a plain dict (``shelfcheck photo FILE``);
* :mod:`shelfcheck.photos.bank` — ``bank.add(...)`` fills the BRAND-2 brand bank.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from shelfcheck.photos.analysis import (
    PhotoFacts,
    TextBox,
    analyse,
    content_hash,
    failed,
    pdq_distance,
)
from shelfcheck.photos.loading import LoadSettings, PhotoError, read_bytes

if TYPE_CHECKING:
    from shelfcheck.policy import Policy
    from shelfcheck.tools import Tools

__all__ = [
    "LoadSettings",
    "PhotoError",
    "PhotoFacts",
    "TextBox",
    "describe",
    "load_settings",
    "nudity_available",
    "pdq_distance",
    "photo_facts",
    "photo_facts_for",
]


def load_settings(policy: Policy) -> LoadSettings:
    """The loading limits the policy sets (``photo.loading``)."""
    cfg = policy.photo.loading
    return LoadSettings(
        max_bytes=cfg.max_bytes,
        max_pixels=cfg.max_pixels,
        fetch_urls=cfg.fetch_urls,
        timeout_s=cfg.timeout_s,
        total_timeout_s=cfg.total_timeout_s,
        max_redirects=cfg.max_redirects,
        allow_private=cfg.allow_private,
    )


def photo_facts(
    ref: str, *, policy: Policy, tools: Tools, ocr: bool | None = None
) -> PhotoFacts:
    """The facts of one photo; cached by content hash in ``tools.photo_cache``.

    Never raises for a bad photo: the facts carry ``error`` instead.
    """
    settings = load_settings(policy)
    use_ocr = policy.photo.ocr.enabled if ocr is None else ocr
    cache = tools.photo_cache
    remote = ref.startswith(("http://", "https://"))
    if remote:
        known = cache.url_hash(ref)
        if known is not None:
            hit = cache.get(known, use_ocr)
            if hit is not None:
                return hit
    try:
        data = read_bytes(ref, settings)
    except PhotoError as exc:
        return failed(content_hash(ref.encode("utf-8", "replace")), exc)
    sha = content_hash(data)
    if remote:
        cache.remember_url(ref, sha)
    hit = cache.get(sha, use_ocr)
    if hit is not None:
        return hit
    engine = tools.ocr if use_ocr else None
    nudity = policy.photo.nudity
    facts = analyse(
        data, settings, engine, det_side=policy.photo.ocr.det_side,
        nudity=tools.nudity if nudity.enabled else None, nudity_labels=frozenset(nudity.labels),
    )
    cache.put(sha, use_ocr, facts)
    return facts


def photo_facts_for(
    refs: Sequence[str], *, policy: Policy, tools: Tools
) -> list[PhotoFacts]:
    """The facts of each reference, in order (at most ``limits.max_photos``)."""
    return [
        photo_facts(ref, policy=policy, tools=tools)
        for ref in refs[: policy.meta.limits.max_photos]
    ]


def describe(ref: str, *, policy: Policy | None = None, tools: Tools | None = None) -> dict[str, Any]:
    """One photo's facts as a JSON-ready dict, for ``shelfcheck photo FILE``."""
    from shelfcheck.policy import load_policy
    from shelfcheck.tools import default_tools

    policy = policy or load_policy()
    tools = tools or default_tools()
    facts = photo_facts(ref, policy=policy, tools=tools)
    data = facts.to_dict()
    data["photo"] = ref
    data.pop("extra", None)
    return data


def nudity_available(tools: Tools) -> bool:
    """Whether the optional nudity detector (``pip install shelfcheck[nudity]``) is here;
    without it OFFENSIVE-1 on photos does not run (say so in the decision's ``skipped``)."""
    return tools.nudity is not None
