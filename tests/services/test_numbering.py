"""文号 from one numbering service: sequential per kind, agency and year, unique in the database,
typed numbers checked and registered, a lost race moves on — on SQLite and PostgreSQL."""
import threading

import pytest
from sqlalchemy import select

from jlclient.clock import today
from jlclient.domain.model import Procedure
from jlclient.services import numbering, records, setup
from jlclient.store.models import AuditEntry, DocNumber
from tests.support import case_builder as cb

ACTOR = "user:clerk"


@pytest.fixture
def agency(any_ctx):
    setup.initialise(any_ctx, "cli:test")
    return any_ctx


def _case(ctx) -> int:
    case_id = cb.open_case(ctx, Procedure.PERMIT, officers=0)
    cb.advance(ctx, case_id)   # 受理
    return case_id


def _accept(ctx, case_id, number="", record_id=None, note=""):
    values = cb.form_values("acceptance_notice", doc_number=number)
    return records.save_form(ctx, ACTOR, case_id, "acceptance_notice", values, final=True, record_id=record_id,
                             note=note)


def _number(ctx, record_id) -> str:
    return records.latest_values(ctx, record_id)["doc_number"]


def _year() -> int:
    return today().year


def test_numbers_follow_each_other_per_kind(agency):
    first, second = _case(agency), _case(agency)
    a = _accept(agency, first)
    b = _accept(agency, second)
    y = _year()
    assert (_number(agency, a.id), _number(agency, b.id)) == (f"灵行审受〔{y}〕1号", f"灵行审受〔{y}〕2号")
    on = today().isoformat()
    notice = records.save_form(agency, ACTOR, first, "refusal_notice", {
        "doc_number": "", "applicant": cb.PARTY, "matter": cb.MATTER, "applied_on": on, "decided_on": on,
        "reasons": "申请事项不属于本机关职权范围。", "legal_basis": "《中华人民共和国行政许可法》第三十二条",
        "reconsideration_body": "灵寿县人民政府", "court": "灵寿县人民法院", "seal": cb.sealed(today())}, final=True)
    assert _number(agency, notice.id) == f"灵行审不受〔{y}〕1号"   # its own sequence
    with agency.db.read() as s:
        rows = list(s.scalars(select(DocNumber).order_by(DocNumber.id)))
        assert [(r.kind, r.seq, r.record_id) for r in rows] == [("受", 1, a.id), ("受", 2, b.id), ("不受", 1, notice.id)]
        assigned = s.scalars(select(AuditEntry.action).where(AuditEntry.action == "doc_number.assign")).all()
        assert len(assigned) == 3


def test_a_typed_number_is_registered_and_the_sequence_skips_past_it(agency):
    y = _year()
    typed = _accept(agency, _case(agency), f"灵行审受〔{y}〕7号")
    assert _number(agency, typed.id) == f"灵行审受〔{y}〕7号"
    after = _accept(agency, _case(agency))
    assert _number(agency, after.id) == f"灵行审受〔{y}〕8号"


def test_a_number_in_use_is_refused_naming_the_case_that_has_it(agency):
    y = _year()
    holder = _case(agency)
    _accept(agency, holder, f"灵行审受〔{y}〕7号")
    holder_number = cb.cases.case_detail(agency, holder).row.number
    other = _case(agency)
    for spelling in (f"灵行审受〔{y}〕7号", f"灵行审受字〔{y}〕第7号"):   # the same number spelt another way
        with pytest.raises(records.FormIncomplete) as caught:
            _accept(agency, other, spelling)
        assert holder_number in str(caught.value) and "受理通知书" in str(caught.value)
        assert caught.value.problems[0].key == "doc_number"
    assert not [r for r in records.records_of(agency, other) if r.form == "acceptance_notice"]


def test_a_foreign_number_is_registered_outside_the_sequence(agency):
    first = _accept(agency, _case(agency), "石行审受字〔2025〕3号")
    assert _number(agency, first.id) == "石行审受字〔2025〕3号"
    with pytest.raises(records.FormIncomplete, match="已用于"):
        _accept(agency, _case(agency), "石行审受字〔2025〕3号")
    auto = _accept(agency, _case(agency))
    assert _number(agency, auto.id) == f"灵行审受〔{_year()}〕1号"


def test_a_revision_keeps_its_number(agency):
    case_id = _case(agency)
    record = _accept(agency, case_id)
    number = _number(agency, record.id)
    values = records.latest_values(agency, record.id) | {"legal_basis": "《中华人民共和国行政许可法》第三十二条"}
    records.save_form(agency, ACTOR, case_id, "acceptance_notice", values, final=True, record_id=record.id,
                      note="依据写全")
    with agency.db.read() as s:
        assert s.scalars(select(DocNumber.number)).all() == [number]


def test_a_lost_race_takes_the_next_number(agency, monkeypatch):
    """Another workstation took the number this one proposed: the next one is registered instead."""
    y = _year()
    _accept(agency, _case(agency))                      # 1 is taken
    real = numbering._next_seq
    calls = []

    def stale(*args):
        calls.append(args)
        return 1 if len(calls) == 1 else real(*args)    # a proposal read before the other commit
    monkeypatch.setattr(numbering, "_next_seq", stale)
    record = _accept(agency, _case(agency))
    assert _number(agency, record.id) == f"灵行审受〔{y}〕2号"


def test_two_workstations_at_once_get_different_numbers(agency):
    cases = [_case(agency) for _ in range(4)]
    got, errors = [], []
    start = threading.Barrier(len(cases))

    def finish(case_id):
        try:
            start.wait()
            got.append(_number(agency, _accept(agency, case_id).id))
        except Exception as exc:  # collected: a failure in a thread must fail the test
            errors.append(exc)
    threads = [threading.Thread(target=finish, args=(c,)) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    y = _year()
    assert sorted(got) == sorted(f"灵行审受〔{y}〕{n}号" for n in range(1, 5))


def test_a_draft_gets_no_number(agency):
    case_id = _case(agency)
    draft = records.save_form(agency, ACTOR, case_id, "acceptance_notice", {"doc_number": ""}, final=False)
    assert not _number(agency, draft.id)
    with agency.db.read() as s:
        assert s.scalar(select(DocNumber.id)) is None


def test_forms_numbered_by_others_are_not_numbered_here():
    """A bank's payment receipt number (缴款凭证号) is not the agency's to hand out."""
    assert "performance_record" not in numbering.KINDS
    assert numbering.parse("灵行审受字〔2026〕第7号", "灵行审", "受") == numbering.Parsed("受", 2026, 7)
    assert numbering.parse("石行审受〔2026〕7号", "灵行审", "受").seq is None
