"""A breach of a legal rule, as the rules report it: a stable code, a French message, the article.

Every check in ``rules/`` returns a list of ``RuleError`` instead of raising, so that a sitting
record shows all its irregularities at once (rules.md: "compute what it can, block what is
forbidden, and warn where a human must judge"). Articles are those of the CGCT unless stated.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RuleError:
    code: str  # stable, English, snake_case: for programs and tests
    message: str  # French, for people
    article: str  # e.g. "L2121-20", "code pénal, art. 432-12"
    member: str | None = None  # the member concerned, when there is one

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "article": self.article, "member": self.member}


def fr_date(day: date) -> str:
    """A date as French readers write it: 14/11/2026."""
    return day.strftime("%d/%m/%Y")
