"""Rule profile parsing and validation (pure: no Qt, no SQL, no files)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jlclient.domain.model import Procedure, Role
from jlclient.domain.profile import (
    CASE_FILE,
    AccessScope,
    Level,
    PartyRoute,
    ProfileError,
    Source,
    TimeUnit,
    UploadDestination,
    parse_profile,
)

FILENAME = "sample.toml"

# A profile using every section once; each test below breaks one line of it.
FULL = """\
key = "sample"
seed_file = "004_18b14edd8a124f9b.txt"

[agency]
name = "陵川县行政审批局"
short_name = "陵行审"

[regulation]
title = "陵川县行政审批局行政许可全过程记录办法"

[procedures]
values = ["PERMIT", "行政检查"]
source = "seed 004 Art. 2"

[av_upload]
deadline = 1
unit = "working_days"
destination = "system_or_storage"
source = "seed 004 Art. 18"

[av_upload.remote]
deadline = 24
unit = "hours"
source = "seed 004 Art. 18"

[retention.routine]
period = 6
source = "seed 004 Art. 18"

[retention.evidence]
period = "case_file"
source = "seed 004 Art. 18"

[long_term_hold]
reasons = ["objection_or_complaint", "other_important"]
media = ["disc"]
source = "seed 004 Art. 18"

[[av_acts]]
act = "office_interview"
level = "required"
whole_process = true
source = "seed 004 Art. 9, 14"

[[av_acts]]
act = "acceptance"
level = "recommended"
whole_process = false
source = "行政许可法 Art. 32"

[[av_exclusions]]
situation = "secrets_or_privacy"
source = "seed 004 Art. 20"

[restricted_access]
scope = "all"
approver = "APPROVER"
source = "seed 004 Art. 20"

[party_access]
route = "approval"
approver = "负责人"
source = "seed 004 Art. 21"

[archiving]
days_after_closing = 30
source = "seed 004 Art. 17"

[spot_check]
by = "REVIEWER"
ledger = true
source = "seed 004 Art. 24-26"

[storage_keys]
keys = ["name", "device_number"]
source = "seed 004 Art. 17"
"""

MINIMAL = """\
key = "sample"
seed_file = "000_eb98a094524767c4.txt"

[agency]
name = "某局"
short_name = "某"

[regulation]
title = "某局行政执法全过程记录办法"
placeholder = true

[procedures]
values = ["PENALTY"]
source = "seed 000 Art. 2"
"""


def _replace(old: str, new: str, text: str = FULL) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _error(text: str, filename: str = FILENAME) -> ProfileError:
    with pytest.raises(ProfileError) as info:
        parse_profile(text, filename)
    return info.value


# ---------------------------------------------------------------- what a valid file gives


def test_full_profile_parses_every_section():
    p = parse_profile(FULL, FILENAME)
    assert p.key == "sample" and p.seed == "004"
    assert p.agency.short_name == "陵行审"
    assert p.regulation.title == "陵川县行政审批局行政许可全过程记录办法" and not p.regulation.placeholder
    assert p.procedures.procedures == (Procedure.PERMIT, Procedure.INSPECTION)  # code or label
    assert (p.av_upload.deadline.amount, p.av_upload.deadline.unit) == (1, TimeUnit.WORKING_DAYS)
    assert p.av_upload.destination is UploadDestination.SYSTEM_OR_STORAGE
    assert (p.av_upload.remote.amount, p.av_upload.remote.unit) == (24, TimeUnit.HOURS)
    assert p.retention.routine.months == 6 and not p.retention.routine.follows_case_file
    assert p.retention.evidence.follows_case_file and p.retention.evidence.months is None
    assert p.retention.hall_cctv is None
    assert p.long_term_hold.media == ("disc",)
    assert p.av_act("office_interview").level is Level.REQUIRED
    assert p.av_act("office_interview").whole_process is True
    assert p.av_act("hearing") is None
    assert p.av_exclusions[0].situation == "secrets_or_privacy"
    assert p.restricted_access.scope is AccessScope.ALL and p.restricted_access.approver is Role.APPROVER
    assert p.party_access.route is PartyRoute.APPROVAL and p.party_access.approver is Role.APPROVER
    assert p.archiving.days_after_closing == 30 and p.archiving.year_end is False
    assert p.spot_check.by is Role.REVIEWER and p.spot_check.ledger is True
    assert p.storage_keys.keys == ("name", "device_number")


def test_silent_sections_are_absent_not_invented():
    p = parse_profile(MINIMAL, FILENAME)
    assert p.regulation.placeholder
    assert p.av_upload is None and p.archiving is None and p.spot_check is None
    assert p.retention.routine is None and p.retention.hall_cctv is None and p.retention.evidence is None
    assert p.av_acts == () and p.av_exclusions == ()
    assert p.restricted_access is None and p.party_access is None


def test_sources_lists_every_rule_by_dotted_key():
    sources = dict(parse_profile(FULL, FILENAME).sources())
    assert sources["av_upload.deadline.source"] == Source("004", "18")
    assert sources["av_acts[1].source"] == Source("行政许可法", "32")
    assert str(sources["av_acts[0].source"]) == "seed 004 Art. 9, 14"
    assert str(sources["av_acts[1].source"]) == "行政许可法 Art. 32"
    assert len(sources) == FULL.count("source = ")


def test_source_text():
    assert str(Source("000", "23")) == "seed 000 Art. 23"
    assert str(Source("行政许可法", "32")) == "行政许可法 Art. 32"
    assert Source("行政许可法", "32").is_national_law and not Source("000", "23").is_national_law


def test_archiving_at_year_end_needs_no_days():
    text = _replace("days_after_closing = 30", "year_end = true")
    archiving = parse_profile(text, FILENAME).archiving
    assert archiving.year_end and archiving.days_after_closing is None


def test_the_domain_module_imports_no_qt_and_no_sql():
    code = ("import sys, jlclient.domain.profile; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy', 'shiboken6')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


# ---------------------------------------------------------------- every error names its key


def test_wrong_type_message_is_chinese_and_quotes_the_value():
    e = _error(_replace("deadline = 1\n", 'deadline = "abc"\n'))
    assert str(e) == '配置文件 sample.toml：键 av_upload.deadline 应为正整数，实际为 "abc"'


BROKEN = [
    # (what, old, new, dotted key)
    ("unknown top-level key", 'key = "sample"\n', 'key = "sample"\ncolour = "red"\n', "colour"),
    ("unknown nested key", "deadline = 1\n", "deadline = 1\ndeadlin = 2\n", "av_upload.deadlin"),
    ("unknown key in array item", 'act = "office_interview"\n', 'act = "office_interview"\nnote = "x"\n',
     "av_acts[0].note"),
    ("missing required key", 'name = "陵川县行政审批局"\n', "", "agency.name"),
    ("missing required table", '[agency]\nname = "陵川县行政审批局"\nshort_name = "陵行审"\n', "", "agency"),
    ("missing unit", 'unit = "working_days"\n', "", "av_upload.unit"),
    ("missing level", 'level = "required"\n', "", "av_acts[0].level"),
    ("missing source", 'period = 6\nsource = "seed 004 Art. 18"\n', "period = 6\n", "retention.routine.source"),
    ("missing source of a list item", 'situation = "secrets_or_privacy"\nsource = "seed 004 Art. 20"\n',
     'situation = "secrets_or_privacy"\n', "av_exclusions[0].source"),
    ("bool is not a count", "days_after_closing = 30", "days_after_closing = true", "archiving.days_after_closing"),
    ("zero is not a count", "deadline = 24", "deadline = 0", "av_upload.remote.deadline"),
    ("string is not a bool", "whole_process = true", 'whole_process = "yes"', "av_acts[0].whole_process"),
    ("table expected", '[agency]\nname = "陵川县行政审批局"\nshort_name = "陵行审"\n', 'agency = "x"\n', "agency"),
    ("list expected", 'values = ["PERMIT", "行政检查"]', 'values = "PERMIT"', "procedures.values"),
    ("empty list", 'values = ["PERMIT", "行政检查"]', "values = []", "procedures.values"),
    ("repeated value", 'values = ["PERMIT", "行政检查"]', 'values = ["PERMIT", "PERMIT"]', "procedures.values"),
    ("bad procedure", 'values = ["PERMIT", "行政检查"]', 'values = ["PERMIT", "LICENCE"]', "procedures.values"),
    ("bad role", 'approver = "APPROVER"', 'approver = "MAYOR"', "restricted_access.approver"),
    ("bad unit", 'unit = "hours"', 'unit = "days"', "av_upload.remote.unit"),
    ("bad level", 'level = "recommended"', 'level = "optional"', "av_acts[1].level"),
    ("bad destination", 'destination = "system_or_storage"', 'destination = "pocket"', "av_upload.destination"),
    ("bad scope", 'scope = "all"', 'scope = "some"', "restricted_access.scope"),
    ("unknown act", 'act = "acceptance"', 'act = "karaoke"', "av_acts[1].act"),
    ("repeated act", 'act = "acceptance"', 'act = "office_interview"', "av_acts[1].act"),
    ("unknown exclusion", 'situation = "secrets_or_privacy"', 'situation = "rain"', "av_exclusions[0].situation"),
    ("unknown hold reason", '"other_important"]', '"boredom"]', "long_term_hold.reasons"),
    ("unknown storage key", 'keys = ["name", "device_number"]', 'keys = ["colour"]', "storage_keys.keys"),
    ("bad retention period", "period = 6", "period = -6", "retention.routine.period"),
    ("bad retention word", 'period = "case_file"', 'period = "forever"', "retention.evidence.period"),
    ("source of unknown seed", 'source = "seed 004 Art. 17"\n\n[spot', 'source = "seed 007 Art. 17"\n\n[spot',
     "archiving.source"),
    ("source of another seed", 'source = "seed 004 Art. 2"', 'source = "seed 001 Art. 2"', "procedures.source"),
    ("source of unknown law", 'source = "行政许可法 Art. 32"', 'source = "某某条例 Art. 3"', "av_acts[1].source"),
    ("malformed source", 'source = "seed 004 Art. 21"', 'source = "第二十一条"', "party_access.source"),
    ("source not a string", 'source = "seed 004 Art. 21"', "source = 21", "party_access.source"),
    ("approval without approver", 'approver = "负责人"\n', "", "party_access.approver"),
    ("archiving says nothing", "days_after_closing = 30\n", "", "archiving.days_after_closing"),
    ("key not matching file name", 'key = "sample"', 'key = "other"', "key"),
    ("key with capitals", 'key = "sample"', 'key = "Sample"', "key"),
    ("seed file outside 000-004", 'seed_file = "004_18b14edd8a124f9b.txt"',
     'seed_file = "009_18b14edd8a124f9b.txt"', "seed_file"),
    ("missing regulation", '[regulation]\ntitle = "陵川县行政审批局行政许可全过程记录办法"\n', "", "regulation"),
    ("regulation title in 书名号", 'title = "陵川县行政审批局行政许可全过程记录办法"',
     'title = "《陵川县行政审批局行政许可全过程记录办法》"', "regulation.title"),
    ("placeholder not a bool", 'title = "陵川县行政审批局行政许可全过程记录办法"\n',
     'title = "陵川县行政审批局行政许可全过程记录办法"\nplaceholder = "yes"\n', "regulation.placeholder"),
]


@pytest.mark.parametrize(("what", "old", "new", "key"), BROKEN, ids=[b[0] for b in BROKEN])
def test_each_error_names_the_key(what, old, new, key):
    e = _error(_replace(old, new))
    assert e.key == key, str(e)
    assert f"键 {key} " in str(e) and str(e).startswith(f"配置文件 {FILENAME}：")


def test_open_government_route_takes_no_approver():
    text = _replace('route = "approval"', 'route = "open_government"')
    assert _error(text).key == "party_access.approver"
    text = _replace('approver = "负责人"\n', "", text)
    assert parse_profile(text, FILENAME).party_access.approver is None


def test_invalid_toml_names_the_file():
    e = _error("key = \n")
    assert str(e).startswith(f"配置文件 {FILENAME}：不是有效的 TOML")


def test_profile_error_is_a_value_error():
    assert issubclass(ProfileError, ValueError)
    assert CASE_FILE == "case_file"
