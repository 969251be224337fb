"""Window intake: receipt, one complete correction notice, acceptance or refusal."""

import pytest
from sqlalchemy import select

from jlclient.domain.matters import MaterialCheck
from jlclient.services import auth, intake, records
from jlclient.services.context import ServiceError
from jlclient.services.deadlines import case_deadlines
from jlclient.services.matters import find_matter
from jlclient.services.parties import ORGANISATION, PartyInput
from jlclient.services.setup import DEMO_PASSWORD
from jlclient.services.verify import verify
from jlclient.store.models import Case, ElectronicRecord

COMPANY = PartyInput(ORGANISATION, "灵寿县好味道餐饮有限公司", "91110000600037341L", "0311-1234567", "灵寿县")


def _application(ctx, received=None):
    matter = find_matter("food_business")
    names = [m.name for m in matter.materials if m.required and m.name not in (received or ())]
    scan = ctx.evidence.put_bytes(b"\x89PNG fake scan")
    checks = tuple(MaterialCheck(n, True, file_hash=scan.sha256 if i == 0 else "", size=scan.size)
                   for i, n in enumerate(names))
    return intake.Application(COMPANY, "food_business", checks, "王经理", "13900001111")


@pytest.fixture
def clerk(demo_ctx):
    return auth.login(demo_ctx, "clerk", DEMO_PASSWORD)


def test_complete_application_is_received_and_accepted(demo_ctx, clerk):
    result = intake.take_in(demo_ctx, clerk, _application(demo_ctx))
    assert result.missing == () and len(result.lookup_code) == 6
    number = intake.accept(demo_ctx, clerk, result.case_id)
    assert "受〔" in number
    with demo_ctx.db.read() as s:
        case = s.get(Case, result.case_id)
        assert case.stage == "INVESTIGATION"
        assert s.scalar(select(ElectronicRecord).where(ElectronicRecord.case_id == case.id)).kind == "material"
    forms = [r.form for r in records.records_of(demo_ctx, result.case_id) if r.final]
    assert forms == ["materials_receipt", "acceptance_notice"]
    running = {d.rule_code for d in case_deadlines(demo_ctx, result.case_id)}
    assert "permit_decision" in running
    assert verify(demo_ctx).ok


def test_missing_materials_go_into_one_correction_notice(demo_ctx, clerk):
    app = _application(demo_ctx, received=())
    app = intake.Application(app.applicant, app.matter_code, app.checks[:2], app.contact, app.phone)
    result = intake.take_in(demo_ctx, clerk, app)
    assert len(result.missing) == 3
    intake.request_correction(demo_ctx, clerk, result.case_id, list(result.missing), "0311-82512345", "王经理")
    notice = next(r for r in records.records_of(demo_ctx, result.case_id) if r.form == "correction_notice")
    listed = [m["name"] for m in records.latest_values(demo_ctx, notice.id)["missing_materials"]]
    assert listed == [m.name for m in result.missing]


def test_refusal_closes_the_application(demo_ctx, clerk):
    result = intake.take_in(demo_ctx, clerk, _application(demo_ctx))
    with pytest.raises(ServiceError, match="理由"):
        intake.refuse(demo_ctx, clerk, result.case_id, "", "", "", "")
    intake.refuse(demo_ctx, clerk, result.case_id, "申请事项不属于本机关职权范围", "《行政许可法》第三十二条第一款第（二）项",
                  "灵寿县人民政府", "灵寿县人民法院")
    with demo_ctx.db.read() as s:
        assert s.get(Case, result.case_id).status == "CLOSED"
    with pytest.raises(ServiceError, match="不在受理环节"):
        intake.accept(demo_ctx, clerk, result.case_id)


def test_nothing_received_is_refused(demo_ctx, clerk):
    app = intake.Application(COMPANY, "food_business", (), "王经理", "139")
    with pytest.raises(ServiceError, match="没有收到"):
        intake.take_in(demo_ctx, clerk, app)
