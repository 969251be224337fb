"""Who may view a recording: every role against every classification, under each access rule,
with and without an approval, and an approval that has lapsed."""
from datetime import datetime, timedelta

import pytest

from jlclient.domain.av_access import (NO_FOOTAGE, AvClass, Grant, Viewer, approver_of, may_approve, may_view)
from jlclient.domain.model import Role
from jlclient.domain.profile import AccessScope, RestrictedAccess, parse_source

NOW = datetime(2026, 11, 20, 10)
SECRET_RULE = RestrictedAccess(AccessScope.SECRET_PRIVATE, None, parse_source("seed 000 Art. 27"))
ALL_RULE = RestrictedAccess(AccessScope.ALL, Role.APPROVER, parse_source("seed 003 Art. 16"))
VALID = Grant("赵局长", NOW + timedelta(hours=2))
LAPSED = Grant("赵局长", NOW - timedelta(minutes=1))

# what each role may see without an approval, under the secret/private rule (own footage for officers)
EXPECTED = {
    Role.OFFICER: {AvClass.ORDINARY: True, AvClass.INTERNAL: True, AvClass.RESTRICTED: False},
    Role.REVIEWER: {AvClass.ORDINARY: True, AvClass.INTERNAL: True, AvClass.RESTRICTED: False},
    Role.APPROVER: {AvClass.ORDINARY: True, AvClass.INTERNAL: True, AvClass.RESTRICTED: False},
    Role.ARCHIVIST: {AvClass.ORDINARY: True, AvClass.INTERNAL: False, AvClass.RESTRICTED: False},
    Role.CLERK: {AvClass.ORDINARY: False, AvClass.INTERNAL: False, AvClass.RESTRICTED: False},
    Role.ADMIN: {AvClass.ORDINARY: False, AvClass.INTERNAL: False, AvClass.RESTRICTED: False},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("av_class", list(AvClass))
def test_every_role_and_class_without_approval(role, av_class):
    verdict = may_view(Viewer(frozenset({role}), own=role is Role.OFFICER), av_class, SECRET_RULE, None, NOW)
    assert verdict.allowed is EXPECTED[role][av_class]
    assert verdict.reason
    if not verdict.allowed and role not in NO_FOOTAGE:
        assert verdict.approval_needed and verdict.approver is Role.APPROVER


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("av_class", list(AvClass))
def test_every_role_and_class_with_a_valid_and_a_lapsed_approval(role, av_class):
    viewer = Viewer(frozenset({role}))
    valid, lapsed = may_view(viewer, av_class, SECRET_RULE, VALID, NOW), may_view(viewer, av_class, SECRET_RULE,
                                                                                   LAPSED, NOW)
    if role in NO_FOOTAGE:      # an approval does not give clerks or administrators footage
        assert not valid and not lapsed
        return
    assert valid.allowed and "赵局长" in valid.reason
    assert not lapsed.allowed and "过期" in lapsed.reason and lapsed.approval_needed


def test_an_officer_sees_only_their_own_footage_and_cases():
    officer = frozenset({Role.OFFICER})
    assert may_view(Viewer(officer, own=True), AvClass.ORDINARY, SECRET_RULE, None, NOW)
    refused = may_view(Viewer(officer, own=False), AvClass.ORDINARY, SECRET_RULE, None, NOW)
    assert not refused and "职责范围" in refused.reason


def test_restricted_footage_needs_approval_even_for_its_own_officer():
    verdict = may_view(Viewer(frozenset({Role.OFFICER}), own=True), AvClass.RESTRICTED, SECRET_RULE, None, NOW)
    assert not verdict and verdict.approval_needed and "受限" in verdict.reason
    for reason in ("国家秘密", "商业秘密", "工作秘密", "个人隐私"):      # seed 004 Art. 20 names 工作秘密 too
        assert reason in verdict.reason


def test_where_no_viewing_is_allowed_without_approval_only_own_and_sampled_footage_is_free():
    reviewer = frozenset({Role.REVIEWER})
    refused = may_view(Viewer(reviewer), AvClass.ORDINARY, ALL_RULE, None, NOW)
    assert not refused and "seed 003 Art. 16" in refused.reason
    assert may_view(Viewer(reviewer, sampled=True), AvClass.ORDINARY, ALL_RULE, None, NOW)
    assert may_view(Viewer(frozenset({Role.OFFICER}), own=True), AvClass.ORDINARY, ALL_RULE, None, NOW)
    assert may_view(Viewer(reviewer), AvClass.ORDINARY, ALL_RULE, VALID, NOW)


def test_the_approver_is_the_profiles_or_the_agency_head():
    assert approver_of(ALL_RULE) is Role.APPROVER and approver_of(SECRET_RULE) is Role.APPROVER
    assert approver_of(None) is Role.APPROVER
    assert may_approve(frozenset({Role.APPROVER}), ALL_RULE, requester_is_self=False) is None
    assert "负责人" in may_approve(frozenset({Role.REVIEWER}), ALL_RULE, requester_is_self=False)
    assert "自己" in may_approve(frozenset({Role.APPROVER}), ALL_RULE, requester_is_self=True)
