"""The five shipped agency rule profiles, one per seed regulation."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from jlclient.domain.model import Role
from jlclient.domain.profile import SEEDS, Level, ProfileError, TimeUnit, UploadDestination
from jlclient.services.profiles import PROFILE_DIR, available_keys, list_profiles, load_profile

SEED_OF = {
    "lingshou-approval": "000",
    "fushun-hrss": "001",
    "bureau-002": "002",
    "changli-dapuhe": "003",
    "lingchuan-approval": "004",
}
SEED_DIR = Path("/work/shared/seeds")


def test_profile_dir_is_the_repository_resources():
    assert PROFILE_DIR == Path(__file__).resolve().parents[2] / "resources" / "profiles"


def test_all_five_profiles_load_sorted_by_key():
    profiles = list_profiles()
    assert [p.key for p in profiles] == sorted(SEED_OF)
    assert {p.key: p.seed for p in profiles} == SEED_OF
    assert sorted(p.seed for p in profiles) == list(SEEDS)


@pytest.mark.parametrize("key", sorted(SEED_OF))
def test_every_rule_cites_its_own_seed_or_a_national_law(key):
    profile = load_profile(key)
    sources = list(profile.sources())
    assert sources, key
    for dotted, source in sources:
        assert source.is_national_law or source.seed == profile.seed, (key, dotted, str(source))


def _chinese_number(text: str) -> int:
    digits = dict(zip("零一二三四五六七八九", range(10)))
    total, current = 0, 0
    for ch in text:
        if ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = digits[ch]
    return total + current


def _articles(seed_text: str) -> set[int]:
    return {_chinese_number(m) for m in re.findall(r"第([零一二三四五六七八九十]+)条", seed_text)}


def _cited(article: str) -> set[int]:
    numbers: set[int] = set()
    for part in article.split(", "):
        first, _, last = part.partition("-")
        numbers.update(range(int(first), int(last or first) + 1))
    return numbers


@pytest.mark.skipif(not SEED_DIR.is_dir(), reason="seed regulations not available on this machine")
@pytest.mark.parametrize("key", sorted(SEED_OF))
def test_every_cited_article_exists_in_the_seed(key):
    profile = load_profile(key)
    seed_text = (SEED_DIR / profile.seed_file).read_text(encoding="utf-8")
    articles = _articles(seed_text)
    for dotted, source in profile.sources():
        if not (source.is_national_law or source.is_practice):
            assert _cited(source.article) <= articles, (key, dotted, str(source))


def test_lingchuan_stores_within_one_working_day_and_keeps_hall_cctv_one_month():
    p = load_profile("lingchuan-approval")
    assert (p.av_upload.deadline.amount, p.av_upload.deadline.unit) == (1, TimeUnit.WORKING_DAYS)
    assert (p.av_upload.remote.amount, p.av_upload.remote.unit) == (1, TimeUnit.WORKING_DAYS)
    assert p.retention.hall_cctv.months == 1
    assert p.retention.evidence.follows_case_file
    assert str(p.av_upload.deadline.source) == "seed 004 Art. 18"
    assert p.party_access.approver is Role.APPROVER
    assert p.av_act("office_interview").level is Level.REQUIRED


def test_lingshou_stores_within_24_hours_also_after_remote_work():
    p = load_profile("lingshou-approval")
    assert (p.av_upload.deadline.amount, p.av_upload.deadline.unit) == (24, TimeUnit.HOURS)
    assert (p.av_upload.remote.amount, p.av_upload.remote.unit) == (24, TimeUnit.HOURS)
    assert p.av_act("on_site_inspection").whole_process
    assert p.av_act("lodged_service").level is Level.RECOMMENDED
    assert p.archiving.days_after_closing == 30
    assert str(p.storage_keys.source) == "seed 000 Art. 27"


def test_changli_keeps_routine_footage_six_months_and_hands_it_to_staff():
    p = load_profile("changli-dapuhe")
    assert p.retention.routine.months == 6
    assert p.av_upload.destination is UploadDestination.DESIGNATED_STAFF
    assert p.av_upload.remote is None  # the seed has no remote-duty exemption
    assert p.restricted_access.approver is Role.APPROVER
    assert p.spot_check.ledger and p.spot_check.by is Role.REVIEWER


def test_bureau_002_keeps_routine_footage_at_least_a_year():
    p = load_profile("bureau-002")
    assert p.retention.routine.months >= 12
    assert p.retention.evidence.follows_case_file
    assert p.av_act("evidence_preservation").level is Level.REQUIRED
    assert p.av_upload is None  # the seed sets no storing deadline
    assert p.archiving.year_end and p.archiving.days_after_closing is None


def test_fushun_lists_what_must_not_be_recorded():
    p = load_profile("fushun-hrss")
    assert {e.situation for e in p.av_exclusions} == {"explosive_area_without_proof_device", "secrets_or_privacy"}
    assert all(str(e.source) == "seed 001 Art. 13" for e in p.av_exclusions)
    assert p.av_act("seizure_detention").whole_process
    assert p.archiving.days_after_closing == 30 and str(p.archiving.source) == "seed 001 Art. 17"


def test_unknown_profile_names_the_available_ones():
    with pytest.raises(ProfileError) as info:
        load_profile("nowhere-bureau")
    message = str(info.value)
    assert "nowhere-bureau" in message
    for key in SEED_OF:
        assert key in message


def test_a_path_is_not_a_profile_key():
    with pytest.raises(ProfileError):
        load_profile("../profiles/lingshou-approval")


def test_available_keys_match_the_files():
    assert available_keys() == sorted(SEED_OF)
