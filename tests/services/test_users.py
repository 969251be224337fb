import pytest

from jlclient.domain.model import Role
from jlclient.services import users
from jlclient.services.context import ServiceError
from jlclient.services.verify import verify


def test_officer_needs_certificate_number(ctx):
    with pytest.raises(ServiceError, match="执法证号"):
        users.add_user(ctx, "cli:t", "off1", "李娜", "password1", frozenset({Role.OFFICER}))
    row = users.add_user(ctx, "cli:t", "off1", "李娜", "password1", frozenset({Role.OFFICER}), cert_no="13010001")
    assert row.cert_no == "13010001"


def test_roles_parse_from_codes_and_labels():
    assert users.parse_roles("clerk, 档案管理员") == {Role.CLERK, Role.ARCHIVIST}
    with pytest.raises(ServiceError, match="可用角色"):
        users.parse_roles("janitor")


def test_last_administrator_cannot_be_disabled(ctx):
    users.add_user(ctx, "cli:t", "admin", "管理员", "password1", frozenset({Role.ADMIN}))
    with pytest.raises(ServiceError, match="最后一个系统管理员"):
        users.set_active(ctx, "cli:t", "admin", False)


def test_duplicate_username_refused_and_nothing_half_written(ctx):
    users.add_user(ctx, "cli:t", "a1", "甲", "password1", frozenset({Role.CLERK}))
    before = verify(ctx).entries
    with pytest.raises(ServiceError, match="已存在"):
        users.add_user(ctx, "cli:t", "a1", "乙", "password1", frozenset({Role.CLERK}))
    report = verify(ctx)
    assert report.ok and report.entries == before
