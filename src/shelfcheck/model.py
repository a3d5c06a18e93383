"""The public contract (FORMATS.md): a listing in, a decision out, a labelled set.

Listings keep unknown fields (FORMATS §1: "Extra fields are allowed and kept");
a missing ``id``/``title`` or a wrong type is a pydantic ``ValidationError``
that names the field. Decisions are immutable once made.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr


class Reason(StrEnum):
    """The closed set of rejection reasons (RULEBOOK §0), in the moderator tool's order."""

    PROHIBITED = "prohibited"
    OFFENSIVE = "offensive"
    BRAND = "brand"
    PHOTO = "photo"
    TITLE = "title"
    DESCRIPTION = "description"
    SIZE_CHART = "size_chart"
    VARIANTS = "variants"
    INCONSISTENT = "inconsistent"
    OTHER = "other"


class Doubt(StrEnum):
    """On whose side a doubt falls (RULEBOOK §0, "the doubt rule")."""

    PLATFORM = "platform"
    SELLER = "seller"


#: RULEBOOK §0 table: the side a doubt falls on for each reason.
REASON_DOUBT: dict[Reason, Doubt] = {
    Reason.PROHIBITED: Doubt.PLATFORM,
    Reason.OFFENSIVE: Doubt.PLATFORM,
    Reason.BRAND: Doubt.SELLER,
    Reason.PHOTO: Doubt.SELLER,
    Reason.TITLE: Doubt.SELLER,
    Reason.DESCRIPTION: Doubt.SELLER,
    Reason.SIZE_CHART: Doubt.SELLER,
    Reason.VARIANTS: Doubt.SELLER,
    Reason.INCONSISTENT: Doubt.PLATFORM,
    Reason.OTHER: Doubt.SELLER,
}

#: The comments `other` may carry (RULEBOOK §0).
OTHER_COMMENTS = ("Misleading Info", "Prohibited on Joom", "dangerous kind is incorrect")

DangerousKind = Literal[
    "not_dangerous", "battery", "liquid", "flammable", "aerosol", "powder", "magnetic", "sharp",
    "other",
]

Outcome = Literal["reject", "review", "warn"]
DecisionKind = Literal["approve", "reject", "human_review"]


class _Open(BaseModel):
    """Input objects: unknown fields are kept, numbers are accepted where text is expected."""

    model_config = ConfigDict(extra="allow", frozen=True, coerce_numbers_to_str=True)


class Variant(_Open):
    id: str | None = None
    color: str | None = None
    size: str | None = None
    photo: str | None = None
    price: float | None = None
    quantity: int | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)


class SizeChart(_Open):
    unit: str | None = None
    headers: list[str] = Field(default_factory=list)
    rows: list[list[str | None]] = Field(default_factory=list)


class Video(_Open):
    url: str | None = None
    duration_s: float | None = None


class Listing(_Open):
    """One listing as the merchant submitted it (FORMATS §1)."""

    id: StrictStr
    title: StrictStr
    description: StrictStr = ""
    photos: list[StrictStr] = Field(default_factory=list)
    variants: list[Variant] = Field(default_factory=list)
    size_chart: SizeChart | None = None
    category: StrictStr | None = None
    brand: str | None = None
    dangerous_kind: DangerousKind | None = None
    price: float | None = None
    currency: str = "USD"
    merchant_id: str | None = None
    video: Video | None = None


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Finding(_Out):
    """One rule that fired, with its evidence (FORMATS §2)."""

    rule: str
    reason: Reason
    outcome: Outcome
    confidence: float
    field: str
    evidence: str
    span: tuple[int, int] | None = None
    message: str
    comment: str | None = None


class ReasonOut(_Out):
    code: Reason
    comment: str | None = None


class QualityWarning(_Out):
    rule: str
    message: str


class Decision(_Out):
    """The machine's decision on one listing (FORMATS §2)."""

    id: str
    decision: DecisionKind
    reasons: list[ReasonOut] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    warnings: list[QualityWarning] = Field(default_factory=list)
    quality_score: int = Field(ge=0, le=100)
    policy_version: str
    #: rule groups that did not run and why (RULEBOOK §14: "the result says that
    #: the photo rules were skipped").
    skipped: list[str] = Field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        data = self.model_dump(mode="json", exclude_none=True)
        for reason in data["reasons"]:
            reason.setdefault("comment", None)
        return data


class Expected(BaseModel):
    """The truth of a labelled listing (FORMATS §3)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    decision: DecisionKind
    reasons: list[Reason] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list)
    comment: str | None = None


class LabelledListing(Listing):
    expected: Expected
