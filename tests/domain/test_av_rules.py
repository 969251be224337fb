"""Recording sessions, interruptions and the upload deadline, per agency profile."""
from datetime import date, datetime, timedelta

from jlclient.domain.av_rules import Segment, sessions, upload_due
from jlclient.domain.workdays import FixedHolidays, WorkCalendar
from jlclient.services.profiles import load_profile

T0 = datetime(2026, 9, 30, 15, 0)


def _seg(i, camera, start_min, minutes):
    start = T0 + timedelta(minutes=start_min)
    return Segment(i, camera, start, start + timedelta(minutes=minutes))


def test_segments_chain_into_one_session_and_a_pause_is_an_interruption():
    segs = [_seg(1, "A", 0, 10), _seg(2, "A", 10, 10), _seg(3, "A", 25, 5), _seg(4, "B", 0, 5)]
    found = sessions(segs)
    a = next(s for s in found if s.camera == "A")
    assert [s.id for s in a.segments] == [1, 2, 3]
    assert [(g.before, g.after, g.seconds) for g in a.gaps] == [(2, 3, 300.0)]
    assert [s.camera for s in found] == ["A", "B"]


def test_a_long_pause_starts_a_new_recording():
    found = sessions([_seg(1, "A", 0, 10), _seg(2, "A", 120, 10)])
    assert len(found) == 2 and all(not s.gaps for s in found)


def test_a_second_between_split_segments_is_no_interruption():
    first = _seg(1, "A", 0, 10)
    second = Segment(2, "A", first.end + timedelta(seconds=2), first.end + timedelta(minutes=5))
    assert sessions([first, second])[0].gaps == []


def test_upload_within_24_hours_under_seed_000():
    due, basis = upload_due(load_profile("lingshou-approval").av_upload, T0)
    assert (due, basis) == (T0 + timedelta(hours=24), "seed 000 Art. 23")


def test_one_working_day_under_seed_004_skips_national_day():
    calendar = WorkCalendar(FixedHolidays(frozenset({2026}), rest_days=frozenset(
        date(2026, 10, d) for d in range(1, 8))))
    due, basis = upload_due(load_profile("lingchuan-approval").av_upload, T0, calendar=calendar)
    assert due.date() == date(2026, 10, 8) and basis == "seed 004 Art. 18"


def test_remote_duty_counts_from_the_return():
    rule = load_profile("lingshou-approval").av_upload
    back = T0 + timedelta(days=3)
    assert upload_due(rule, T0, returned_at=back)[0] == back + timedelta(hours=24)
