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

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

DEFAULT_POLICY_DIR = Path(__file__).parent / "policies" / "v73"


class PolicyError(ValueError):
    """The policy folder cannot be used (missing file, unknown key, bad regex...)."""


class TermSet:
    """A compiled alternation of terms; immutable, hashable by its source."""

    __slots__ = ("terms", "pattern")

    def __init__(self, terms: tuple[str, ...], pattern: re.Pattern[str]) -> None:
        self.terms = terms
        self.pattern = pattern

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if not self.terms:
            return iter(())
        return self.pattern.finditer(text)

    def search(self, text: str) -> re.Match[str] | None:
        if not self.terms:
            return None
        return self.pattern.search(text)

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
    pattern = "|".join(f"(?:{phrase_regex(t)})" for t in terms) or r"(?!x)x"
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


# --- title.yaml (TITLE-*) -----------------------------------------------------------------


class TitlePolicy(Section):
    #: TITLE-3: free shipping named in the title.
    free_shipping: Phrases
    #: TITLE-9: absolute / superlative marketing claims.
    absolute_claims: Phrases
    #: TITLE-7: a title needs at least this many letters before its case is judged.
    min_letters_for_case: int = 6


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
