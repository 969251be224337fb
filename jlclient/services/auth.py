"""Log-in, lockout after repeated failures, unlocking an idle screen, and service accounts (the
tokens an unattended docking station or scheduled CCTV import signs in with)."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from jlclient.domain.model import Role
from jlclient.services import settings
from jlclient.services.context import AppContext, ServiceError, user_actor
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import Agency, ServiceToken, ServiceTokenRevocation, User

_hasher = PasswordHasher()
MIN_PASSWORD = 8


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    display_name: str
    roles: frozenset[Role]
    officer_id: int | None
    service: bool = False   # a service account: the name is the token's, the actor service:<name>

    @property
    def actor(self) -> str:
        return f"service:{self.username}" if self.service else user_actor(self.username)

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


# What a service account may be made for, and the role each command works under in the services
# (the docking pane is an officer's or administrator's; hall CCTV is taken in by an archivist)
TOKEN_COMMANDS: dict[str, Role] = {"ingest": Role.OFFICER, "import-cctv": Role.ARCHIVIST}
_TOKEN = re.compile(r"^jlt_(\d{1,9})_([A-Za-z0-9_-]{20,100})$")
_TOKEN_NAME = re.compile(r"^[^\x00-\x1f\x7f:,]{1,40}$")


@dataclass(frozen=True)
class TokenRow:
    name: str
    commands: tuple[str, ...]
    created_by: str
    created_at: datetime
    revoked_at: datetime | None


def _require_admin(user: CurrentUser) -> None:
    if user.service or not user.has(Role.ADMIN):
        raise ServiceError("服务令牌由系统管理员创建和撤销")


def parse_token_commands(text: str) -> tuple[str, ...]:
    names = tuple(sorted({c for c in re.split(r"[,，、\s]+", text) if c}))
    unknown = [c for c in names if c not in TOKEN_COMMANDS]
    if not names or unknown:
        raise ServiceError(f"服务令牌只能用于这些命令：{'、'.join(TOKEN_COMMANDS)}"
                           + (f"（不能用于：{'、'.join(unknown)}）" if unknown else ""))
    return names


def create_token(ctx: AppContext, admin: CurrentUser, name: str, commands: tuple[str, ...]) -> str:
    """A new service account for one machine; returns the token, which is shown once and kept only
    as its argon2 hash."""
    _require_admin(admin)
    name = name.strip()
    if not _TOKEN_NAME.match(name):
        raise ServiceError("请填写服务令牌的名称（1–40 个字，如“大厅采集站”，不含冒号、逗号和控制字符）")
    secret = secrets.token_urlsafe(32)
    with ctx.db.write() as s:
        if s.scalar(select(ServiceToken.id).where(ServiceToken.name == name)) is not None:
            raise ServiceError(f"名称“{name}”已用于一个服务令牌（撤销的也保留），请换一个名称")
        row = ServiceToken(name=name, commands=",".join(commands), token_hash=_hasher.hash(secret),
                           created_by=admin.actor, created_at=utcnow())
        s.add(row)
        audit.append(s, admin.actor, "service_token.create", row,
                     detail={"commands": list(commands), "workstation": ctx.workstation})
        return f"jlt_{row.id}_{secret}"


def revoke_token(ctx: AppContext, admin: CurrentUser, name: str) -> None:
    _require_admin(admin)
    with ctx.db.write() as s:
        row = s.scalar(select(ServiceToken).where(ServiceToken.name == name.strip()))
        if row is None:
            raise ServiceError(f"没有名为“{name}”的服务令牌")
        if _revoked_at(s, row.id) is not None:
            raise ServiceError(f"服务令牌“{row.name}”已撤销")
        revocation = ServiceTokenRevocation(token_id=row.id, revoked_by=admin.actor, revoked_at=utcnow())
        s.add(revocation)
        audit.append(s, admin.actor, "service_token.revoke", revocation, detail={"name": row.name})


def _revoked_at(s, token_id: int) -> datetime | None:
    return s.scalar(select(ServiceTokenRevocation.revoked_at).where(ServiceTokenRevocation.token_id == token_id))


def list_tokens(ctx: AppContext) -> list[TokenRow]:
    with ctx.db.read() as s:
        return [TokenRow(t.name, tuple(t.commands.split(",")), t.created_by, t.created_at, _revoked_at(s, t.id))
                for t in s.scalars(select(ServiceToken).order_by(ServiceToken.id))]


def token_login(ctx: AppContext, token: str, command: str) -> CurrentUser:
    """The service account a token belongs to, for one of its commands; a revoked, unknown or
    malformed token, or another command, is refused. Each use is audited under service:<name>."""
    found = _TOKEN.match(token.strip())
    with ctx.db.write() as s:
        row = s.get(ServiceToken, int(found.group(1))) if found else None
        if row is None or not _token_ok(row, found.group(2)):
            raise ServiceError("服务令牌无效：请向系统管理员索取新的令牌")
        if _revoked_at(s, row.id) is not None:
            raise ServiceError(f"服务令牌“{row.name}”已撤销：请向系统管理员索取新的令牌")
        commands = row.commands.split(",")
        if command not in commands:
            raise ServiceError(f"服务令牌“{row.name}”只能用于：{'、'.join(commands)}")
        user = CurrentUser(0, row.name, row.name, frozenset(TOKEN_COMMANDS[c] for c in commands), None, service=True)
        audit.append(s, user.actor, "service.login", row, detail={"command": command, "workstation": ctx.workstation})
        return user


def _token_ok(row: ServiceToken, secret: str) -> bool:
    try:
        return _hasher.verify(row.token_hash, secret)
    except (VerificationError, InvalidHashError):
        return False
