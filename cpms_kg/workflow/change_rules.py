"""Which procedure a change request during a pilot takes: filing (备案) or approval (审批).

The procedure follows from the kind of change and the months asked for:
- filed, accepted at once: scope changes that keep the targets, expert list changes, scenario
  changes, delays while the pilot's delays add up to at most 12 months;
- approval, pending until an admin approves or rejects with a comment: delays that take the total
  over 12 months (delays add up, so splitting one long delay into short ones still needs approval),
  target changes, and any change flagged as putting the targets at risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from cpms_kg.errors import RuleBreach
from cpms_kg.namespaces import CPMS
from cpms_kg.workflow.pilots import Names

_C = str(CPMS)
FILED_DELAY_MONTHS = 12


class ChangeKind(Enum):
    SCOPE = "scope"
    EXPERT_LIST = "expert-list"
    SCENARIO = "scenario"
    EXTENSION = "extension"
    TARGET = "target"

    @property
    def iri(self) -> str:
        return _C + {"scope": "ScopeChange", "expert-list": "ExpertListChange", "scenario": "ScenarioChange",
                     "extension": "Extension", "target": "TargetChange"}[self.value]  # fmt: skip


@dataclass(frozen=True)
class Classification:
    approval: bool
    why: Names


def classify(kind: ChangeKind, *, months: int | None, at_risk: bool, earlier_months: int = 0) -> Classification:
    """Filing or approval, with the reason in zh and en; `earlier_months`: delays already asked for."""
    if (kind is ChangeKind.EXTENSION) != (months is not None):
        raise RuleBreach(
            "give months for an extension, and only for an extension",
            message_zh="延期须给出月数，其他变更不得给出月数",
        )
    if kind is ChangeKind.TARGET or at_risk:
        return Classification(
            True, Names("影响指标完成的变更须审批", "a change that puts the targets at risk needs approval")
        )
    if months is not None:
        if months < 1:
            raise RuleBreach("an extension is at least 1 month", message_zh="延期至少 1 个月")
        total = earlier_months + months
        if total > FILED_DELAY_MONTHS:
            return Classification(
                True,
                Names(
                    f"累计延期 {total} 个月，超过 12 个月，须审批",
                    f"delays add up to {total} months, over 12: approval",
                ),
            )
        return Classification(
            False,
            Names(
                f"累计延期 {total} 个月，不超过 12 个月，备案", f"delays add up to {total} months, at most 12: filed"
            ),
        )
    return Classification(False, Names("不影响指标的调整，备案", "a change that keeps the targets is filed"))
