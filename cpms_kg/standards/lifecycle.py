"""The lifecycle of a standard version: which status changes are allowed, and what must hold.

The allowed steps are the ontology's cpms:allowedNextStatus (a test keeps this table equal to it).
A version may be published only when it passes its quality shapes; published versions are
immutable, so changing one means a new version.
"""

from __future__ import annotations

from cpms_kg.errors import BadInput
from cpms_kg.standards.model import Status

S = Status
ALLOWED: dict[Status, frozenset[Status]] = {
    S.DRAFT: frozenset({S.CONSENSUS}),
    S.CONSENSUS: frozenset({S.UNDER_REVIEW}),
    S.UNDER_REVIEW: frozenset({S.PUBLISHED_PROVINCIAL, S.CONSENSUS}),
    S.PUBLISHED_PROVINCIAL: frozenset({S.RECOMMENDED, S.SUPERSEDED, S.RETIRED}),
    S.RECOMMENDED: frozenset({S.PUBLISHED_NATIONAL, S.SUPERSEDED, S.RETIRED}),
    S.PUBLISHED_NATIONAL: frozenset({S.SUPERSEDED, S.RETIRED}),
    S.SUPERSEDED: frozenset(),
    S.RETIRED: frozenset(),
}

IMMUTABLE = frozenset({S.PUBLISHED_PROVINCIAL, S.RECOMMENDED, S.PUBLISHED_NATIONAL, S.SUPERSEDED, S.RETIRED})
PUBLISHED = frozenset({S.PUBLISHED_PROVINCIAL, S.PUBLISHED_NATIONAL})


class TransitionRefused(BadInput):
    code = "transition_refused"
    status = 409


def check_transition(current: Status, target: Status, *, quality_problems: int = 0) -> None:
    """Raises TransitionRefused (409) with zh/en text when the step is not allowed."""
    if target not in ALLOWED[current]:
        allowed = ", ".join(sorted(s.value for s in ALLOWED[current])) or "none"
        raise TransitionRefused(
            f"a {current.value} version cannot become {target.value} (allowed: {allowed})",
            message_zh=f"状态为 {current.value} 的版本不能变更为 {target.value}（允许：{allowed}）",
        )
    if target in PUBLISHED and quality_problems:
        raise TransitionRefused(
            f"the version fails its quality checks ({quality_problems} problems) and cannot be published",
            message_zh=f"该版本未通过质量检查（{quality_problems} 个问题），不能发布",
        )


def check_editable(status: Status) -> None:
    if status in IMMUTABLE:
        raise TransitionRefused(
            f"a {status.value} version is immutable; make a new version to change it",
            message_zh=f"状态为 {status.value} 的版本不可修改；如需修改请创建新版本",
        )
