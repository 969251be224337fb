"""Seed 001 Art. 12(四): 不得断续记录，不得任意选择取舍或事后补录，不得插入其他画面 — a session whose
sequence numbers, stamped times and files' own lengths disagree is flagged."""
from datetime import datetime, timedelta

from jlclient.domain.av_rules import Segment, selective_signs, sessions

T0 = datetime(2026, 3, 2, 9, 0, 0)


def _seg(i: int, seq: int | None, start_s: int, length_s: int = 60) -> Segment:
    return Segment(i, "DSJ0001", T0 + timedelta(seconds=start_s), T0 + timedelta(seconds=start_s + length_s), seq)


def _signs(*segments: Segment) -> list[str]:
    (session,) = sessions(list(segments))
    return selective_signs(session)


def test_an_unbroken_run_of_numbers_and_times_is_clean():
    assert _signs(_seg(1, 1, 0), _seg(2, 2, 61), _seg(3, 3, 122)) == []


def test_a_missing_sequence_number_is_flagged():
    assert _signs(_seg(1, 1, 0), _seg(3, 3, 122)) == ["段号不连续：第 0001 段之后是第 0003 段，缺少 1 段"]


def test_numbers_out_of_the_order_of_the_stamped_times_are_flagged():
    signs = _signs(_seg(1, 1, 0), _seg(2, 3, 61), _seg(3, 2, 122))
    assert any(s.startswith("段号与录制时间顺序不符：第 0002 段（09:02:02）") for s in signs)


def test_a_segment_stamped_inside_the_previous_files_length_is_flagged():
    assert _signs(_seg(1, 1, 0), _seg(2, 2, 30)) == [
        "时间重叠：09:00:30 开始的一段，与前一段按文件时长至 09:01:00 才结束的录像重叠"]


def test_a_camera_that_numbers_each_recording_afresh_is_not_flagged_after_a_pause():
    assert _signs(_seg(1, 1, 0), _seg(2, 2, 61), _seg(3, 1, 300)) == []


def test_shown_turns_stored_times_into_wall_time():
    (session,) = sessions([_seg(1, 1, 0), _seg(2, 2, 30)])
    assert "17:00:30" in selective_signs(session, lambda t: t + timedelta(hours=8))[0]
