"""First start: schema, agency, administrator; and the demo data `make run` shows a newcomer."""
from __future__ import annotations

from sqlalchemy import select

from jlclient.domain.model import Role
from jlclient.services import cameras, demo, users
from jlclient.services.auth import current_user
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.profiles import load_profile
from jlclient.store import audit
from jlclient.store.models import Agency, Officer, Setting, User

DEFAULT_PROFILE = "lingshou-approval"   # seed 000
DEMO_PASSWORD = "demo1234"
# username, display name, roles, 执法证号
DEMO_USERS = (
    ("admin", "系统管理员", (Role.ADMIN,), ""),
    ("clerk", "张伟", (Role.CLERK,), ""),
    ("officer", "李娜", (Role.OFFICER,), "13012601001"),
    ("officer2", "王强", (Role.OFFICER,), "13012601002"),
    ("reviewer", "赵敏", (Role.REVIEWER,), ""),
    ("archivist", "孙丽", (Role.ARCHIVIST,), ""),
    ("approver", "周杰", (Role.APPROVER,), ""),
)


def is_initialised(ctx: AppContext) -> bool:
    if not ctx.has_schema():
        return False
    with ctx.db.read() as s:
        return s.scalar(select(Agency)) is not None


def initialise(ctx: AppContext, actor: str, profile_key: str = DEFAULT_PROFILE) -> None:
    """Create the agency from its rule profile. Refuses to run twice."""
    profile = load_profile(profile_key)
    with ctx.db.write() as s:
        if s.scalar(select(Agency)) is not None:
            raise ServiceError("数据库已初始化，无需再次初始化")
        agency = Agency(name=profile.agency.name, short_name=profile.agency.short_name, profile_key=profile.key)
        s.add(agency)
        audit.append(s, actor, "agency.init", agency)
        setting = Setting(key="profile", value=profile.key)
        s.add(setting)
        audit.append(s, actor, "setting.set", setting)


def set_profile(ctx: AppContext, actor: str, profile_key: str) -> None:
    """The agency chooses its rule profile in settings. A profile is one agency's regulation, so
    the agency's name and short name (document numbers) become the profile's."""
    profile = load_profile(profile_key)
    with ctx.db.write() as s:
        agency = s.scalar(select(Agency))
        if agency.profile_key == profile.key:
            return
        agency.profile_key = profile.key
        agency.name, agency.short_name = profile.agency.name, profile.agency.short_name
        audit.append(s, actor, "agency.profile", agency)


def has_users(ctx: AppContext) -> bool:
    with ctx.db.read() as s:
        return s.scalar(select(User.id).limit(1)) is not None


def seed_demo(ctx: AppContext, actor: str) -> None:
    """Users for every role, their cameras, and cases in different stages (services/demo.py)."""
    for username, name, roles, cert in DEMO_USERS:
        users.add_user(ctx, actor, username, name, DEMO_PASSWORD, frozenset(roles), cert_no=cert,
                       unit="综合执法科" if cert else "")
    _demo_cameras(ctx)
    demo.seed_cases(ctx, actor)


def _demo_cameras(ctx: AppContext) -> None:
    """The demo officers' cameras in the register; DSJ0001 is 李娜's, whose footage the demo cases hold."""
    with ctx.db.read() as s:
        admin = current_user(s.scalar(select(User).where(User.username == "admin")))
        officers = list(s.scalars(select(Officer).order_by(Officer.id)))
    for serial, officer in zip(("DSJ0001", "DSJ0002"), officers):
        cameras.register_camera(ctx, admin, serial, officer_id=officer.id, custodian=officer.name,
                                model="DSJ-V8 执法记录仪")
