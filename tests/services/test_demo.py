"""The demo a newcomer sees tells the truth (issue 13): one closed case complete, one closed on the
approver's written reason with its gaps kept; receipts promise the deadline the system tracks;
every act in the past, numbers from the numbering service, people from the demo users."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from jlclient.clock import local
from jlclient.domain.forms import validate_values
from jlclient.domain.model import CaseStatus, Procedure
from jlclient.media.probe import probe
from jlclient.services import compliance, numbering
from jlclient.services.deadlines import case_deadlines
from jlclient.services.forms import load_form
from jlclient.services.setup import DEMO_USERS
from jlclient.services.verify import verify
from jlclient.store.audit import utcnow
from jlclient.store.models import (AvRecord, Case, ComplianceOverride, DocNumber, StageEvent, TextRecord,
                                   TextRecordRevision)
from tests.support.demo_db import open_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    ctx, _ = open_demo(tmp_path_factory.mktemp("demo"))
    yield ctx
    ctx.close()


def _cases(ctx) -> list[Case]:
    with ctx.db.read() as s:
        return list(s.scalars(select(Case).order_by(Case.id)))


def _closed(ctx) -> list[Case]:
    return [c for c in _cases(ctx) if c.status == CaseStatus.CLOSED.value]


def _final_revisions(ctx):
    """(case, form code, values, author) of every finished revision."""
    with ctx.db.read() as s:
        rows = s.execute(select(Case, TextRecord.form, TextRecordRevision.content, TextRecordRevision.author)
                         .join(TextRecord, TextRecord.case_id == Case.id)
                         .join(TextRecordRevision, TextRecordRevision.record_id == TextRecord.id)
                         .where(TextRecordRevision.final.is_(True))).all()
    return [(case, form, json.loads(content), author) for case, form, content, author in rows]


def test_one_closed_case_is_complete_and_one_shows_its_gaps_with_the_approvers_reason(demo):
    closed = _closed(demo)
    findings = {c.id: compliance.check_case(demo, c.id, closing=True) for c in closed}
    complete = [c for c in closed if not findings[c.id]]
    gaps = [c for c in closed if findings[c.id]]
    assert len(complete) == 1 and len(gaps) == 1
    with demo.db.read() as s:
        overrides = list(s.scalars(select(ComplianceOverride)))
    assert [o.case_id for o in overrides] == [gaps[0].id]       # the complete case needed none
    override = overrides[0]
    assert override.approver == "user:approver" and "执法记录仪" in override.reason
    kept = json.loads(override.findings)
    assert [f["code"] for f in kept] == [f.code.value for f in compliance.blocking(findings[gaps[0].id])]


def test_the_complete_case_is_filmed_with_a_real_video(demo):
    complete = next(c for c in _closed(demo) if not compliance.check_case(demo, c.id, closing=True))
    with demo.db.read() as s:
        footage = list(s.scalars(select(AvRecord).where(AvRecord.case_id == complete.id)))
    assert len(footage) == 1 and footage[0].stage == "INVESTIGATION" and footage[0].officer_id is not None
    with demo.evidence.open(footage[0].file_hash) as f:
        data = f.read()
    path = demo.paths.home / "clip.mp4"
    path.write_bytes(data)
    assert probe(path).readable


def test_every_receipt_of_an_accepted_application_promises_the_tracked_deadline(demo):
    promised = [(case, values) for case, form, values, _ in _final_revisions(demo)
                if form == "materials_receipt" and "promised_on" in values]
    assert len(promised) == 5                     # every accepted application; the sixth awaits correction
    for case, values in promised:
        due = next(d.due for d in case_deadlines(demo, case.id) if d.rule_code == "permit_decision")
        assert values["promised_on"] == due.isoformat(), case.number


def test_no_act_lies_ahead_and_no_signature_before_its_act(demo):
    now = local(utcnow())
    for case, form, values, _ in _final_revisions(demo):
        spec = load_form(form)
        problems = validate_values(spec, values, final=True, procedure=Procedure(case.procedure), now=now)
        assert problems == [], (case.number, form, problems)
    with demo.db.read() as s:
        assert max(s.scalars(select(StageEvent.at))) <= utcnow()
        assert max(s.scalars(select(Case.opened_at))) <= utcnow()


def test_numbers_come_from_the_numbering_service_in_the_order_of_the_acts(demo):
    with demo.db.read() as s:
        handed_out = list(s.scalars(select(DocNumber).order_by(DocNumber.id)))
    numbered = [(form, values) for _, form, values, _ in _final_revisions(demo) if form in numbering.KINDS]
    assert numbered and len(handed_out) >= len(numbered)
    numbers = {n.number for n in handed_out}
    for form, values in numbered:
        field = "receipt_number" if form == "materials_receipt" else "doc_number"
        assert values[field] in numbers, (form, values[field])
    for kind in {n.kind for n in handed_out}:
        seqs = [n.seq for n in handed_out if n.kind == kind]
        assert seqs == list(range(1, len(seqs) + 1)), kind   # sequential, none typed by hand
    # case numbers follow the order the applications came in
    permits = [c for c in _cases(demo) if c.procedure == "PERMIT"]
    assert [c.opened_at for c in permits] == sorted(c.opened_at for c in permits)
    assert [int(re.search(r"(\d+)号$", c.number).group(1)) for c in permits] == list(range(1, len(permits) + 1))


def test_the_people_are_the_demo_users(demo):
    users = {f"user:{name}" for name, *_ in DEMO_USERS}
    names = {display for _, display, *_ in DEMO_USERS}
    assert {author for *_, author in _final_revisions(demo)} <= users
    for case, form, values, _ in _final_revisions(demo):
        for key in ("clerk", "handler", "reviewer", "approver"):
            if isinstance(values.get(key), dict):
                assert values[key]["name"] in names, (case.number, form, key)
        for officer in values.get("officers") or ():
            assert officer["name"] in names


def test_the_demo_passes_verification(demo):
    report = verify(demo)
    assert report.ok, report.problem
    assert report.files >= 3         # the scan and two recordings


def test_jlclient_check_closing_finds_nothing_in_the_complete_case(tmp_path, monkeypatch, capsys):
    from jlclient.cli import main
    from jlclient.services.context import AppContext
    monkeypatch.setenv("JL_HOME", str(tmp_path / "jl"))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    assert main(["init", "--demo"]) == 0
    ctx = AppContext.open()
    try:
        closed = _closed(ctx)
        complete = next(c.number for c in closed if not compliance.check_case(ctx, c.id, closing=True))
        gaps = next(c.number for c in closed if c.number != complete)
    finally:
        ctx.close()
    capsys.readouterr()
    from tests.support.cli import signed_in
    reviewer = signed_in(tmp_path, "reviewer")
    assert main([*reviewer, "check", complete, "--closing"]) == 0
    assert "未发现问题" in capsys.readouterr().out
    assert main([*reviewer, "check", gaps, "--closing"]) == 1
    out = capsys.readouterr().out
    assert "阻断" in out and "音像记录" in out
