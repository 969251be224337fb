"""The places of the main window and which roles see them (issue 2, Users and the main window)."""
from __future__ import annotations

from dataclasses import dataclass

from jlclient.domain.model import Role

R = Role


@dataclass(frozen=True)
class Place:
    key: str
    label: str
    roles: frozenset[Role]


PLACES: tuple[Place, ...] = (
    Place("workbench", "工作台", frozenset(Role)),
    Place("cases", "案件", frozenset({R.CLERK, R.OFFICER, R.REVIEWER, R.APPROVER, R.ARCHIVIST})),
    Place("cameras", "执法记录仪", frozenset({R.OFFICER, R.ADMIN})),
    Place("review", "回放检查", frozenset({R.REVIEWER, R.APPROVER})),
    # a party asks at the window to view or copy records; reviewers and approvers decide
    Place("party_requests", "查阅复制申请", frozenset({R.CLERK, R.REVIEWER, R.APPROVER})),
    Place("archive", "档案", frozenset({R.ARCHIVIST, R.APPROVER})),
    Place("stats", "统计", frozenset({R.REVIEWER, R.APPROVER, R.ADMIN})),
    Place("settings", "设置", frozenset({R.ADMIN})),
)


def places_for(roles: frozenset[Role]) -> tuple[Place, ...]:
    """The places one user sees, in navigation order; a user may hold several roles."""
    return tuple(p for p in PLACES if p.roles & roles)
