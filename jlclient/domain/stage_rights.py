"""Who may move a case out of its current stage (issue 14).

A stage is owned by the roles that do its work. Leaving a stage with open problems (findings of
the compliance check that turn blocking once the stage is left) makes those problems part of the
record for good, so it is decided by the people answerable for them: the case's own officers in
an officer's stage, or an approver (负责人) who writes down why. Anyone else is refused — one
Yes/No must not let a reviewer push an officer's unfinished investigation on.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from jlclient.domain.model import Role, Stage

# the roles whose work each stage is; an approver supervises every stage
STAGE_ROLES: dict[Stage, frozenset[Role]] = {
    Stage.INITIATION: frozenset({Role.CLERK, Role.OFFICER, Role.APPROVER}),
    Stage.ACCEPTANCE: frozenset({Role.CLERK, Role.OFFICER, Role.APPROVER}),
    Stage.INVESTIGATION: frozenset({Role.OFFICER, Role.APPROVER}),
    Stage.DECISION: frozenset({Role.OFFICER, Role.REVIEWER, Role.APPROVER}),   # 法制审核 precedes the decision
    Stage.SERVICE: frozenset({Role.OFFICER, Role.CLERK, Role.APPROVER}),       # the window serves documents too
    Stage.EXECUTION: frozenset({Role.OFFICER, Role.APPROVER}),
    Stage.ARCHIVING: frozenset({Role.OFFICER, Role.ARCHIVIST, Role.APPROVER}),
}

# stages whose open problems are the case officers' to answer for
OFFICER_STAGES = frozenset({Stage.INVESTIGATION, Stage.DECISION, Stage.SERVICE, Stage.EXECUTION})


class Right(Enum):
    ALLOWED = "allowed"
    NEEDS_REASON = "needs_reason"    # an approver, who must write down why
    REFUSED = "refused"


@dataclass(frozen=True)
class AdvanceRight:
    right: Right
    message: str = ""                # for people: why refused, or what the reason is asked for

    def __bool__(self) -> bool:
        return self.right is Right.ALLOWED


def _labels(roles) -> str:
    return "、".join(r.label for r in Role if r in roles)


def may_advance(roles: frozenset[Role], is_case_officer: bool, stage: Stage, open_problems: int) -> AdvanceRight:
    """Whether a user with ``roles`` may leave ``stage`` of a case with ``open_problems`` open;
    ``is_case_officer``: the user is one of the case's assigned officers."""
    owners = STAGE_ROLES[stage]
    if not roles & owners:
        return AdvanceRight(Right.REFUSED, f"“{stage.label}”环节只能由{_labels(owners)}推进")
    if not open_problems or stage not in OFFICER_STAGES:
        return AdvanceRight(Right.ALLOWED)
    if is_case_officer and Role.OFFICER in roles:
        return AdvanceRight(Right.ALLOWED)
    if Role.APPROVER in roles:
        return AdvanceRight(Right.NEEDS_REASON,
                            f"“{stage.label}”环节尚有 {open_problems} 项问题。负责人批准推进须写明理由（记入审计日志，并在案件中显示）")
    return AdvanceRight(Right.REFUSED,
                        f"“{stage.label}”环节尚有 {open_problems} 项问题，只能由本案执法人员推进，"
                        "或由负责人写明理由后批准推进")
