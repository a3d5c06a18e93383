"""What a rule is: a small function with its RULEBOOK ID, reason and doubt side.

A rule reads the shared :class:`~shelfcheck.facts.Facts` and the policy, does no
I/O, and yields :class:`Hit` objects. The runner (``review.py``) stamps each hit
with the rule's ID, reason, outcome and message. Example::

    @rule("TITLE-7", reason=Reason.TITLE, doubt=Doubt.SELLER)
    def title_all_one_case(facts: Facts, policy: Policy) -> Iterator[Hit]:
        '''The title is written entirely in upper or lower case.

        ## What it checks
        ...
        ## Why
        ...
        ## Doubt
        ...
        '''
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from shelfcheck.model import Doubt, Reason

if TYPE_CHECKING:
    from shelfcheck.facts import Facts
    from shelfcheck.policy import Policy

DOC_HEADINGS = ("## What it checks", "## Why", "## Doubt")

RuleKind = Literal["check", "quality"]


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule saw: where, what, and how sure it is.

    ``confidence`` >= the policy's ``thresholds.reject`` is a clear violation;
    below it the doubt side decides (``decide.outcome_for``).
    ``message`` replaces the rule's default message (the docstring's first line)
    when the hit can say something more precise. ``points`` is what a quality
    hint takes off the 0-100 quality score.
    """

    field: str
    evidence: str
    span: tuple[int, int] | None = None
    confidence: float = 1.0
    message: str | None = None
    comment: str | None = None
    points: int = 0


RuleFunc = Callable[["Facts", "Policy"], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    reason: Reason
    doubt: Doubt
    func: RuleFunc
    kind: RuleKind = "check"
    #: The comment `other` carries (RULEBOOK §0), e.g. "Misleading Info".
    comment: str | None = None
    #: Runs only when the listing has photos (RULEBOOK §14).
    needs_photos: bool = False
    aliases: tuple[str, ...] = field(default=())
    #: The docstring, cleaned; its first line is the message a seller reads (``summary``).
    #: Worked out once here: the runner reads ``summary`` for every hit without a message.
    doc: str = field(init=False, repr=False, compare=False)
    summary: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        doc = inspect.cleandoc(self.func.__doc__ or "")
        object.__setattr__(self, "doc", doc)
        object.__setattr__(self, "summary", doc.splitlines()[0] if doc else self.id)

    @property
    def name(self) -> str:
        return self.func.__name__


def rule(
    rule_id: str,
    *,
    reason: Reason,
    doubt: Doubt,
    kind: RuleKind = "check",
    comment: str | None = None,
    needs_photos: bool = False,
) -> Callable[[RuleFunc], Rule]:
    """Attach a rule's metadata to its function; the function becomes a :class:`Rule`."""

    def wrap(func: RuleFunc) -> Rule:
        return Rule(
            id=rule_id,
            reason=reason,
            doubt=doubt,
            func=func,
            kind=kind,
            comment=comment,
            needs_photos=needs_photos,
        )

    return wrap
