"""Two workstations at once (issue 15, findings 3 and 4): the same shared row changed from two
processes, 50 rounds each, on SQLite and on a real PostgreSQL cluster. A lost race is a Chinese
message, never a traceback, never a silent overwrite; the audit chain still verifies. Text the
database cannot keep (NUL, lone surrogates) is refused with a message on both backends."""
from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from jlclient.config import Paths
from jlclient.domain.model import Procedure, StartMode, Stage
from jlclient.domain.storable import UNSTORABLE
from jlclient.services import cases, exchange, records, setup
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.verify import verify
from jlclient.store import audit
from jlclient.store.db import LOST_RACE
from jlclient.store.models import AuditEntry, AvRecord, Case, Officer, TextRecord
from tests.support.case_builder import COMPANY, add_av, form_values
from tests.support.races import race

ROUNDS = 50


@pytest.fixture
def bureau(any_ctx):
    """An agency with one officer, whose camera's footage the races link and classify."""
    setup.initialise(any_ctx, "cli:test")
    with any_ctx.db.write() as s:
        officer = Officer(name="李娜", cert_no="1301000001", unit="综合执法科")
        s.add(officer)
        audit.append(s, "cli:test", "officer.add", officer)
    return any_ctx


def _footage(ctx, count: int) -> list[int]:
    return [add_av(ctx, None, None, officer="李娜", content=f"clip {i}".encode(), actor="cli:test")
            for i in range(count)]


def _no_crash(rounds) -> None:
    crashes = [o[1] for pair in rounds for o in pair if o[0] == "crash"]
    assert not crashes, crashes[0]


def test_two_links_of_one_recording_one_wins_the_other_is_told(bureau):
    ids = _footage(bureau, ROUNDS)
    rounds = race(bureau, ("link", ids), ("link", ids))
    _no_crash(rounds)
    for first, second in rounds:
        assert sorted((first[0], second[0])) == ["ok", "refused"]
        assert "已关联，不能重复关联" in (first if first[0] == "refused" else second)[1]
    with bureau.db.read() as s:
        # one link each: the winner's audit entry is the only av.link of the recording
        links = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "av.link"))
    assert links == ROUNDS
    assert verify(bureau).ok


def test_a_link_racing_a_classification_keeps_both_and_verifies(bureau):
    ids = _footage(bureau, ROUNDS)
    rounds = race(bureau, ("link", ids), ("classify", ids))
    _no_crash(rounds)
    assert all(first[0] == "ok" and second[0] == "ok" for first, second in rounds)
    with bureau.db.read() as s:
        rows = s.execute(select(AvRecord.linked_by, AvRecord.access_class).where(AvRecord.id.in_(ids))).all()
    assert rows == [("user:desk1", "RESTRICTED")] * ROUNDS      # neither change overwrote the other
    report = verify(bureau)
    assert report.ok, str(report.problem)


def test_two_desks_opening_cases_at_once_get_distinct_numbers(bureau):
    rounds = race(bureau, ("open_case", [None] * ROUNDS), ("open_case", [None] * ROUNDS))
    _no_crash(rounds)
    numbers = [o[1] for pair in rounds for o in pair]
    assert all(o[0] == "ok" for pair in rounds for o in pair)
    assert len(set(numbers)) == 2 * ROUNDS
    assert verify(bureau).ok


def test_two_imports_of_one_case_number_one_wins_the_other_is_told(bureau):
    source = cases.open_case(bureau, "user:desk", cases.NewCase(Procedure.PERMIT, StartMode.ON_APPLICATION,
                                                                "食品经营许可", COMPANY, "综合执法科"))
    document = exchange.export_case(bureau, source.number)
    documents = []
    for i in range(ROUNDS):
        doc = copy.deepcopy(document)
        doc["case"]["number"] = f"灵行审许〔2019〕{i + 1}号"
        documents.append(doc)
    rounds = race(bureau, ("import", documents), ("import", documents))
    _no_crash(rounds)
    for first, second in rounds:
        assert sorted((first[0], second[0])) == ["ok", "refused"]
        assert "不能重复导入" in (first if first[0] == "refused" else second)[1]
    with bureau.db.read() as s:
        assert s.scalar(select(func.count(Case.id)).where(Case.number.like("%〔2019〕%"))) == ROUNDS
    assert verify(bureau).ok


def test_two_desks_moving_one_case_on_at_once_one_wins_the_other_is_told(bureau):
    opened = [cases.open_case(bureau, "user:desk", cases.NewCase(Procedure.PERMIT, StartMode.ON_APPLICATION,
                                                                 "食品经营许可", COMPANY, "综合执法科"))
              for _ in range(ROUNDS)]
    shown = [(c.id, cases.case_detail(bureau, c.id).version) for c in opened]
    rounds = race(bureau, ("advance", shown), ("advance", shown))
    _no_crash(rounds)
    for first, second in rounds:
        assert sorted((first[0], second[0])) == ["ok", "refused"]
        assert "已被其他工作站修改，请刷新后再操作" in (first if first[0] == "refused" else second)[1]
    with bureau.db.read() as s:      # each case moved on once, not twice
        assert set(s.scalars(select(Case.stage).where(Case.id.in_([c.id for c in opened])))) == {"ACCEPTANCE"}
    assert verify(bureau).ok


@pytest.mark.postgres
def test_a_case_changed_since_it_was_read_ends_in_the_lost_race_message(pg_cluster, tmp_path):
    """Code that reads a case without locking it (an intake decision before this issue) and is
    overtaken by another workstation gets the message, not StaleDataError. PostgreSQL only:
    SQLite's second writer cannot even begin while the first holds the database."""
    ctx = AppContext.open(Paths(tmp_path, pg_cluster.new_database(), tmp_path / "evidence"))
    try:
        setup.initialise(ctx, "cli:test")
        case = cases.open_case(ctx, "user:desk", cases.NewCase(Procedure.PERMIT, StartMode.ON_APPLICATION,
                                                               "食品经营许可", COMPANY, "综合执法科"))
        with pytest.raises(ServiceError) as refused:
            with ctx.db.write() as s:
                mine = s.get(Case, case.id)
                with ctx.db.write() as other:     # the other workstation moves it on meanwhile
                    cases.advance(other, "user:desk2", other.get(Case, case.id))
                cases.advance(s, "user:desk", mine)
        assert str(refused.value) == LOST_RACE
        assert cases.case_detail(ctx, case.id).row.stage is Stage.ACCEPTANCE    # moved on once
        assert verify(ctx).ok
    finally:
        ctx.close()


# ---------------------------------------------------------------------------- text the database cannot keep

@pytest.mark.parametrize("bad", ["味美\x00餐饮", "味美\ud800餐饮"], ids=["NUL", "lone surrogate"])
def test_unstorable_text_is_refused_with_a_message_and_nothing_is_saved(bureau, bad):
    with pytest.raises(ServiceError, match=UNSTORABLE):
        cases.open_case(bureau, "user:desk", cases.NewCase(Procedure.PERMIT, StartMode.ON_APPLICATION, bad,
                                                           COMPANY, "综合执法科"))
    case = cases.open_case(bureau, "user:desk", cases.NewCase(Procedure.PERMIT, StartMode.ON_APPLICATION,
                                                              "食品经营许可", COMPANY, "综合执法科"))
    with pytest.raises(ServiceError, match=UNSTORABLE):     # a title, wherever it comes from
        with bureau.db.write() as s:
            cases.new_text_record(s, "user:desk", s.get(Case, case.id), Stage.INITIATION, "inquiry_record", bad)
    with pytest.raises(ServiceError, match=UNSTORABLE):     # a form's field
        records.save_form(bureau, "user:desk", case.id, "materials_receipt",
                          form_values("materials_receipt", applicant=bad), final=False)
    with bureau.db.read() as s:
        assert s.scalar(select(func.count(Case.id))) == 1
        assert s.scalar(select(func.count(TextRecord.id))) == 0
    assert verify(bureau).ok


def test_a_unique_value_taken_meanwhile_ends_in_the_lost_race_message(bureau):
    """What no lock prevents (a number another workstation committed between check and write) is
    still a message, and the unit of work leaves nothing behind."""
    with pytest.raises(ServiceError) as refused:
        with bureau.db.write() as s:
            s.add(Officer(name="王强", cert_no="1301000001", unit="综合执法科"))   # 李娜's number
            s.flush()
    assert str(refused.value) == LOST_RACE == "该记录已被其他工作站修改，请刷新后再操作"
    with bureau.db.read() as s:
        assert s.scalars(select(Officer.name)).all() == ["李娜"]
