"""Separation of duties (issue 14): role combinations that would let one person check their own work."""
from __future__ import annotations

from jlclient.domain.model import Role

# (roles held together, why that lets a person check their own work)
CONFLICTS: tuple[tuple[frozenset[Role], str], ...] = (
    (frozenset({Role.OFFICER, Role.REVIEWER}),
     "同一人既是执法人员又是法制审核人员，可能审核自己承办的案件"),
    (frozenset({Role.OFFICER, Role.APPROVER}),
     "同一人既是执法人员又是负责人，可能批准自己承办的案件"),
)


def role_conflicts(roles: frozenset[Role]) -> list[str]:
    """Why holding ``roles`` together breaks the separation of duties; empty when it does not."""
    return [why for combination, why in CONFLICTS if combination <= roles]


def own_case_refusal(what: str) -> str:
    """The message refusing a check of one's own case (``what``: 法制审核, 批准 …)."""
    return f"您是本案的承办执法人员，不能对本案进行{what}；请由其他人员办理"
