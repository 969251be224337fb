import pytest

from jlclient.domain.model import Role
from jlclient.services import auth, settings, users
from jlclient.services.context import ServiceError
from jlclient.store.audit import entries_for


@pytest.fixture
def with_user(any_ctx):
    users.add_user(any_ctx, "cli:test", "clerk1", "张伟", "secret-123", frozenset({Role.CLERK, Role.ARCHIVIST}))
    return any_ctx


def test_login_returns_roles_and_audits(with_user):
    user = auth.login(with_user, "clerk1", "secret-123")
    assert user.roles == {Role.CLERK, Role.ARCHIVIST}
    with with_user.db.read() as s:
        actions = [e.action for e in entries_for(s, "app_user", str(user.id))]
    assert actions == ["user.add", "user.login"]


def test_password_is_hashed_with_argon2(with_user):
    from sqlalchemy import select

    from jlclient.store.models import User
    with with_user.db.read() as s:
        stored = s.scalar(select(User.password_hash))
    assert stored.startswith("$argon2") and "secret-123" not in stored


def test_wrong_password_message_counts_down_then_locks(with_user):
    settings.set_int(with_user, "cli:test", "lockout_failures", 3)
    with pytest.raises(ServiceError, match="再错 2 次"):
        auth.login(with_user, "clerk1", "nope")
    with pytest.raises(ServiceError, match="再错 1 次"):
        auth.login(with_user, "clerk1", "nope")
    with pytest.raises(ServiceError, match="已锁定"):
        auth.login(with_user, "clerk1", "nope")
    with pytest.raises(ServiceError, match="锁定"):   # even the right password is refused now
        auth.login(with_user, "clerk1", "secret-123")
    users.unlock(with_user, "cli:admin", "clerk1")
    assert auth.login(with_user, "clerk1", "secret-123").username == "clerk1"


def test_unknown_and_disabled_users_get_the_same_message(with_user):
    with pytest.raises(ServiceError, match="^用户名或密码错误$"):
        auth.login(with_user, "ghost", "x")
    users.add_user(with_user, "cli:test", "admin", "管理员", "admin-pass", frozenset({Role.ADMIN}))
    users.set_active(with_user, "cli:test", "clerk1", False)
    with pytest.raises(ServiceError, match="^用户名或密码错误$"):
        auth.login(with_user, "clerk1", "secret-123")


def test_short_password_refused(any_ctx):
    with pytest.raises(ServiceError, match="至少 8 位"):
        users.add_user(any_ctx, "cli:test", "u1", "某", "short", frozenset({Role.CLERK}))
