"""Log-in, lockout after repeated failures, and unlocking an idle screen."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from jlclient.domain.model import Role
from jlclient.services import settings
from jlclient.services.context import AppContext, ServiceError, user_actor
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import Agency, User

_hasher = PasswordHasher()
MIN_PASSWORD = 8


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    display_name: str
    roles: frozenset[Role]
    officer_id: int | None

    @property
    def actor(self) -> str:
        return user_actor(self.username)

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ServiceError(f"密码至少 {MIN_PASSWORD} 位")
    return _hasher.hash(password)


def _password_ok(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def roles_of(user: User) -> frozenset[Role]:
    return frozenset(Role(r) for r in user.roles.split(",") if r)


def current_user(user: User) -> CurrentUser:
    return CurrentUser(user.id, user.username, user.display_name, roles_of(user), user.officer_id)


def login(ctx: AppContext, username: str, password: str) -> CurrentUser:
    """Check a password; lock the account after too many failures in a row.

    A failure is committed (counter and audit entry) before it is reported."""
    username = username.strip()
    with ctx.db.write() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            refusal = "用户名或密码错误"
        else:
            refusal = _refusal(s, ctx, user, password)
        if refusal is None:
            return current_user(user)
    raise ServiceError(refusal)


def _refusal(s, ctx: AppContext, user: User, password: str) -> str | None:
    """None when the log-in succeeds (and is recorded), else the message to show."""
    now = utcnow()
    where = {"workstation": ctx.workstation}
    actor = user_actor(user.username)
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        return f"该账户因多次输错密码已被锁定，请 {minutes} 分钟后再试，或请系统管理员解锁"
    if _password_ok(user, password):
        user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
        audit.append(s, actor, "user.login", user, detail=where)
        return None
    user.failed_logins += 1
    limit = settings.get_int(s, "lockout_failures")
    if user.failed_logins < limit:
        audit.append(s, actor, "user.login_failed", user, detail=where)
        return f"用户名或密码错误（再错 {limit - user.failed_logins} 次将锁定账户）"
    minutes = settings.get_int(s, "lockout_minutes")
    user.failed_logins, user.locked_until = 0, now + timedelta(minutes=minutes)
    audit.append(s, actor, "user.locked", user, detail=where)
    return f"连续 {limit} 次输错密码，账户已锁定 {minutes} 分钟"


def check_unlock(ctx: AppContext, user: CurrentUser, password: str) -> None:
    """Unlock an idle-locked screen: the same user's password, failures counted as at log-in."""
    login(ctx, user.username, password)


def agency_summary(ctx: AppContext) -> tuple[str, str]:
    """(agency name, profile key) for the status bar."""
    with ctx.db.read() as s:
        agency = s.scalar(select(Agency))
        return (agency.name, agency.profile_key) if agency else ("", "")
