"""User administration (administrators, in the UI and with `jlclient users …`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.domain.duties import role_conflicts
from jlclient.domain.model import Role
from jlclient.services.auth import CurrentUser, current_user, hash_password, roles_of
from jlclient.services.context import AppContext, ServiceError
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import Officer, User

_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    roles: frozenset[Role]
    active: bool
    cert_no: str
    locked_until: datetime | None

    @property
    def role_labels(self) -> str:
        return "、".join(r.label for r in Role if r in self.roles)


def parse_roles(texts: list[str] | str) -> frozenset[Role]:
    if isinstance(texts, str):
        texts = [t for t in re.split(r"[,，、\s]+", texts) if t]
    if not texts:
        raise ServiceError("至少选择一个角色")
    try:
        return frozenset(Role.parse(t.upper() if t.isascii() else t) for t in texts)
    except ValueError as exc:
        raise ServiceError(f"{exc}；可用角色：{', '.join(r.value for r in Role)}") from exc


def _roles_text(roles: frozenset[Role]) -> str:
    return ",".join(sorted(r.value for r in roles))


def _row(user: User) -> UserRow:
    return UserRow(user.id, user.username, user.display_name, roles_of(user), user.active,
                   user.officer.cert_no if user.officer else "", user.locked_until)


def _get(s: Session, username: str, *, lock: bool = False) -> User:
    """``lock``: to change the account — locked and read afresh, so a change made meanwhile at
    another workstation is seen and the audit entry hashes the row as committed."""
    stmt = select(User).where(User.username == username)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    user = s.scalar(stmt)
    if user is None:
        raise ServiceError(f"没有用户“{username}”")
    return user


def current_user_named(ctx: AppContext, username: str) -> CurrentUser:
    """A user of the application acting from the command line (the terminal is trusted as for
    `jlclient users`); a disabled account does not act."""
    with ctx.db.read() as s:
        user = _get(s, username)
        if not user.active:
            raise ServiceError(f"用户 {username} 已停用")
        return current_user(user)


def list_users(ctx: AppContext) -> list[UserRow]:
    with ctx.db.read() as s:
        return [_row(u) for u in s.scalars(select(User).order_by(User.username))]


def role_warnings(roles: frozenset[Role]) -> list[str]:
    """What assigning ``roles`` together would let one person do to their own work (ask before assigning)."""
    return role_conflicts(roles)


def add_user(ctx: AppContext, actor: str, username: str, display_name: str, password: str,
             roles: frozenset[Role], *, cert_no: str = "", unit: str = "") -> UserRow:
    """A new account; a combination of roles that breaks the separation of duties is allowed (a
    small station may have no one else) but its warning is kept in the audit entry."""
    if not _USERNAME.match(username):
        raise ServiceError("用户名只能用 2–40 位字母、数字、下划线、点或减号")
    if not display_name.strip():
        raise ServiceError("请填写姓名")
    if Role.OFFICER in roles and not cert_no.strip():
        raise ServiceError("执法人员必须填写执法证号")
    with ctx.db.write() as s:
        if s.scalar(select(User).where(User.username == username)):
            raise ServiceError(f"用户名“{username}”已存在")
        officer = officer_for(s, actor, display_name, cert_no.strip(), unit) if cert_no.strip() else None
        user = User(username=username, display_name=display_name.strip(), password_hash=hash_password(password),
                    active=True, roles=_roles_text(roles), created_at=utcnow(), failed_logins=0,
                    officer=officer)
        s.add(user)
        audit.append(s, actor, "user.add", user, detail=_conflict_detail(roles))
        return _row(user)


def officer_for(s: Session, actor: str, name: str, cert_no: str, unit: str) -> Officer:
    officer = s.scalar(select(Officer).where(Officer.cert_no == cert_no))
    if officer is None:
        officer = Officer(name=name, cert_no=cert_no, unit=unit)
        s.add(officer)
        audit.append(s, actor, "officer.add", officer)
    return officer


def set_password(ctx: AppContext, actor: str, username: str, password: str) -> None:
    with ctx.db.write() as s:
        user = _get(s, username, lock=True)
        user.password_hash = hash_password(password)
        user.failed_logins, user.locked_until = 0, None
        audit.append(s, actor, "user.password", user)


def set_roles(ctx: AppContext, actor: str, username: str, roles: frozenset[Role]) -> list[str]:
    """Give a user ``roles``; returns the separation-of-duties warnings of the combination (kept in
    the audit entry too), for the caller to show."""
    with ctx.db.write() as s:
        user = _get(s, username, lock=True)
        if Role.OFFICER in roles and user.officer_id is None:
            raise ServiceError("要授予执法人员角色，请先为该用户登记执法证号")
        user.roles = _roles_text(roles)
        audit.append(s, actor, "user.roles", user, detail=_conflict_detail(roles))
    return role_warnings(roles)


def _conflict_detail(roles: frozenset[Role]) -> dict | None:
    warnings = role_warnings(roles)
    return {"separation_of_duties": warnings} if warnings else None


def set_active(ctx: AppContext, actor: str, username: str, active: bool) -> None:
    with ctx.db.write() as s:
        audit.locked_head(s)   # administrators are disabled one at a time: the last one is counted afresh
        user = _get(s, username, lock=True)
        if not active and Role.ADMIN in roles_of(user) and _active_admins(s) <= 1:
            raise ServiceError("不能停用最后一个系统管理员")
        user.active = active
        audit.append(s, actor, "user.enable" if active else "user.disable", user)


def unlock(ctx: AppContext, actor: str, username: str) -> None:
    with ctx.db.write() as s:
        user = _get(s, username, lock=True)
        user.failed_logins, user.locked_until = 0, None
        audit.append(s, actor, "user.unlock", user)


def _active_admins(s: Session) -> int:
    return sum(1 for u in s.scalars(select(User).where(User.active.is_(True))) if Role.ADMIN in roles_of(u))


def person(s: Session, actor_or_name: str) -> str:
    """A display name for an actor (``user:officer`` → 李娜, ``cli:root`` → 命令行操作员 root); other text as it is."""
    if actor_or_name.startswith("user:"):
        return s.scalar(select(User.display_name).where(User.username == actor_or_name[5:])) or actor_or_name[5:]
    if actor_or_name.startswith("cli:"):
        return f"命令行操作员 {actor_or_name[4:]}"
    return actor_or_name
