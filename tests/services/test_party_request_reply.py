"""A party's request handled under the open-government regulation is answered within 20 working days
of receipt (政府信息公开条例 Art. 33); the agency's own consent route (seed 004 Art. 21) sets none."""
from __future__ import annotations

from datetime import date, datetime

from jlclient.services import party_requests, setup
from jlclient.services.party_requests import Decision, Wants

# 2025-09-30 10:00 in Beijing. 20 working days across 国庆 (10-01…10-08 off, Saturday 10-11 worked):
# 10-09…10-11 (3), 10-13…10-31 (18), 11-03 (19), 11-04 (20)
RECEIVED = datetime(2025, 9, 30, 2, 0)


def _receive(ctx, user) -> int:
    return party_requests.receive(ctx, user, None, "王经理", "", "13912345678", Wants.VIEW, "现场检查的执法记录仪视频")


def test_open_government_request_shows_its_reply_date(demo_ctx, login_as, monkeypatch):
    setup.set_profile(demo_ctx, "cli:test", "fushun-hrss")      # seed 001 Art. 18: 按政府信息公开条例办理
    monkeypatch.setattr(party_requests, "utcnow", lambda: RECEIVED)
    monkeypatch.setattr(party_requests, "today", lambda: date(2025, 11, 5))
    request_id = _receive(demo_ctx, login_as("clerk"))

    request = party_requests.get_request(demo_ctx, request_id)
    assert request.reply_due == date(2025, 11, 4)
    assert request.reply_overdue                                 # still undecided on 11-05
    assert "应于 2025-11-04 前答复" in request.reply_text and "政府信息公开条例 Art. 33" in request.reply_text
    assert "已超过答复期限" in request.reply_text

    monkeypatch.setattr(party_requests, "utcnow", lambda: datetime(2025, 11, 4, 3, 0))
    party_requests.decide(demo_ctx, login_as("approver"), request_id, Decision.PROVIDED, "", "视频查阅一次")
    answered = party_requests.get_request(demo_ctx, request_id)
    assert not answered.reply_overdue and "已按期答复" in answered.reply_text


def test_the_consent_route_sets_no_reply_period(demo_ctx, login_as, monkeypatch):
    setup.set_profile(demo_ctx, "cli:test", "lingchuan-approval")   # seed 004 Art. 21: 经负责人同意
    monkeypatch.setattr(party_requests, "utcnow", lambda: RECEIVED)
    request = party_requests.get_request(demo_ctx, _receive(demo_ctx, login_as("clerk")))
    assert request.reply_due is None and not request.reply_overdue
    assert request.reply_text == "本机关规定未设答复期限"
