"""First start: schema, agency, administrator; and the demo data `make run` shows a newcomer."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from stdnum.cn import ric, uscc

from jlclient.domain.model import Procedure, Role, StartMode, Stage
from jlclient.domain.matters import MaterialCheck
from jlclient.services import cameras, cases, intake, users
from jlclient.services.matters import find_matter
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.parties import ORGANISATION, PERSON, PartyInput
from jlclient.services.profiles import load_profile
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import Agency, Case, ElectronicRecord, Officer, Setting, User

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


def resident_id(area: str, birth: str, seq: str) -> str:
    body = area + birth + seq
    return body + ric.calc_check_digit(body + "0")


def credit_code(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)


def seed_demo(ctx: AppContext, actor: str) -> None:
    """Users for every role and a few cases in different stages."""
    for username, name, roles, cert in DEMO_USERS:
        users.add_user(ctx, actor, username, name, DEMO_PASSWORD, frozenset(roles), cert_no=cert,
                       unit="综合执法科" if cert else "")
    clerk = _demo_user(ctx, "clerk")
    now = utcnow().replace(second=0, microsecond=0)
    for i, (procedure, matter, party, steps) in enumerate(_DEMO_CASES):
        opened = now - timedelta(days=20 - 3 * i)
        if procedure is Procedure.PERMIT:
            _demo_application(ctx, clerk, matter, party, steps, opened)
        else:
            _demo_penalty(ctx, actor, matter, party, steps, opened)
    with ctx.db.write() as s:
        _demo_attachment(ctx, s, actor)
    _demo_cameras(ctx)


def _demo_cameras(ctx: AppContext) -> None:
    """The demo officers' cameras in the register; DSJ0001 is the simulated camera of make run."""
    admin = _demo_user(ctx, "admin")
    with ctx.db.read() as s:
        officers = list(s.scalars(select(Officer).order_by(Officer.id)))
    for serial, officer in zip(("DSJ0001", "DSJ0002"), officers):
        cameras.register_camera(ctx, admin, serial, officer_id=officer.id, custodian=officer.name,
                                model="DSJ-V8 执法记录仪")


def _demo_user(ctx: AppContext, username: str):
    from jlclient.services.auth import current_user
    with ctx.db.read() as s:
        return current_user(s.scalar(select(User).where(User.username == username)))


def _walk(ctx: AppContext, actor: str, case_id: int, steps: int, start: datetime) -> None:
    """Further stages, one a day (never in the future), so the dates read like a real case."""
    now = utcnow()
    with ctx.db.write() as s:
        case = s.get(Case, case_id)
        for step in range(steps):
            cases.advance(s, actor, case, min(now, start + timedelta(days=step + 1)))


def _demo_application(ctx: AppContext, clerk, matter_name: str, party: PartyInput, steps: int,
                      opened: datetime) -> None:
    """Taken in at the window like a real application; the first one still misses a material."""
    matter = find_matter(matter_name)
    required = [m for m in matter.materials if m.required]
    handed_in = required[:-1] if steps == 1 else required
    app = intake.Application(party, matter.code, tuple(MaterialCheck(m.name, True) for m in handed_in),
                             party.name[:2] + "（经办人）", party.phone or "13800000000", opened)
    result = intake.take_in(ctx, clerk, app)
    if result.missing:
        intake.request_correction(ctx, clerk, result.case_id, list(result.missing), "0311-82512345", app.contact)
        return
    accepted = opened + timedelta(days=1)
    intake.accept(ctx, clerk, result.case_id, accepted)
    _walk(ctx, clerk.actor, result.case_id, steps - 2, accepted)


def _demo_penalty(ctx: AppContext, actor: str, matter: str, party: PartyInput, steps: int, opened: datetime) -> None:
    """Opened ex officio by the two demo officers; its 立案审批表 is a draft still to finish."""
    with ctx.db.write() as s:
        officers = tuple(o.id for o in s.scalars(select(Officer).order_by(Officer.id)))
        case = cases.add_case(s, actor, cases.NewCase(Procedure.PENALTY, StartMode.EX_OFFICIO, matter, party,
                                                      "综合执法科", officers, opened_at=opened))
        cases.add_text_record(s, actor, case, Stage.INITIATION, "case_approval", "立案审批表",
                              {"case_cause": case.title, "source": "inspection", "facts": "巡查发现超范围经营。"},
                              final=False)
        case_id = case.id
    _walk(ctx, actor, case_id, steps, opened)


def _demo_attachment(ctx: AppContext, s, actor: str) -> None:
    case = s.scalar(select(Case).order_by(Case.id))
    data = "营业执照复印件（演示数据）\n".encode("utf-8")
    stored = ctx.evidence.put_bytes(data)
    record = ElectronicRecord(case_id=case.id, stage=Stage.INITIATION.value, title="营业执照复印件", kind="scan",
                              file_hash=stored.sha256, file_name="营业执照.txt", size=stored.size,
                              created_at=utcnow(), created_by=actor)
    s.add(record)
    audit.append(s, actor, "record.attach", record)


_DEMO_CASES = (
    (Procedure.PERMIT, "食品经营许可",
     PartyInput(ORGANISATION, "灵寿县味美餐饮有限公司", credit_code("91130126MA0F12345"), "0311-82512345", "灵寿县城关镇建设路 12 号"), 1),
    (Procedure.PERMIT, "药品零售许可",
     PartyInput(PERSON, "刘芳", resident_id("130102", "19850312", "123"), "13912345678", "灵寿县青廉街 8 号"), 2),
    (Procedure.PERMIT, "建筑工程施工许可",
     PartyInput(ORGANISATION, "河北恒泰建筑工程有限公司", credit_code("91130100MA0C67890"), "0311-86001234", "石家庄市长安区中山东路 66 号"), 3),
    (Procedure.PENALTY, "未按许可条件从事经营活动",
     PartyInput(ORGANISATION, "灵寿县顺发超市", credit_code("92130126MA0D24680"), "", "灵寿县慈峪镇"), 1),
    (Procedure.PERMIT, "公共场所卫生许可",
     PartyInput(PERSON, "陈刚", resident_id("130104", "19890621", "457"), "13800001111", "灵寿县南关"), 4),
    (Procedure.PERMIT, "道路运输经营许可",
     PartyInput(ORGANISATION, "灵寿县通达运输有限公司", credit_code("91130126MA0E13579"), "", "灵寿县北环路"), 6),
)
