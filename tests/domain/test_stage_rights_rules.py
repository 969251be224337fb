"""The stage-rights and separation-of-duties rules on their own (issue 14)."""
from jlclient.domain.duties import role_conflicts
from jlclient.domain.model import Role, Stage
from jlclient.domain.stage_rights import Right, may_advance

O, R, A, C = Role.OFFICER, Role.REVIEWER, Role.APPROVER, Role.CLERK


def test_open_problems_in_an_officers_stage_are_the_case_officers_or_an_approvers():
    assert may_advance(frozenset({O}), True, Stage.INVESTIGATION, 3).right is Right.ALLOWED
    assert may_advance(frozenset({O}), False, Stage.INVESTIGATION, 3).right is Right.REFUSED
    assert may_advance(frozenset({A}), False, Stage.INVESTIGATION, 3).right is Right.NEEDS_REASON
    refused = may_advance(frozenset({R}), False, Stage.INVESTIGATION, 3)
    assert refused.right is Right.REFUSED and "调查取证" in refused.message


def test_without_open_problems_the_stages_roles_move_it():
    assert may_advance(frozenset({O}), False, Stage.INVESTIGATION, 0)
    assert may_advance(frozenset({R}), False, Stage.DECISION, 0)
    assert may_advance(frozenset({C}), False, Stage.ACCEPTANCE, 2)     # not an officer's stage
    assert not may_advance(frozenset({Role.ARCHIVIST}), False, Stage.INVESTIGATION, 0)


def test_combinations_that_check_ones_own_work_are_named():
    assert role_conflicts(frozenset({O, R})) and "法制审核" in role_conflicts(frozenset({O, R}))[0]
    assert role_conflicts(frozenset({O, A}))
    assert role_conflicts(frozenset({O, C})) == [] and role_conflicts(frozenset({R, A})) == []
