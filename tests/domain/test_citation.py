"""Citations in words: the short form of code and data as a person reads it."""
from dataclasses import fields, is_dataclass

import pytest

from jlclient.domain import compliance, deadlines
from jlclient.domain.citation import chinese_number, has_short_citation, in_words
from jlclient.domain.profile import Source, parse_source
from jlclient.services.forms import list_forms
from jlclient.services.profiles import list_profiles, load_profile

TITLES = {p.seed: p.regulation.title for p in list_profiles()}
LINGSHOU = "《灵寿县行政审批局行政执法全过程记录办法》"


@pytest.mark.parametrize(("n", "words"), [(1, "一"), (7, "七"), (10, "十"), (11, "十一"), (20, "二十"), (22, "二十二"),
                                          (100, "一百"), (101, "一百零一"), (110, "一百一十"), (125, "一百二十五")])
def test_chinese_numbers(n, words):
    assert chinese_number(n) == words


@pytest.mark.parametrize(("short", "words"), [
    ("seed 000 Art. 22", f"{LINGSHOU}第二十二条"),
    ("seed 000 Art. 7(三)", f"{LINGSHOU}第七条第（三）项"),
    ("seed 000 Art. 7(三)(四)(五)", f"{LINGSHOU}第七条第（三）项、第（四）项、第（五）项"),
    ("seed 000 Art. 28 ¶2", f"{LINGSHOU}第二十八条第二款"),
    ("seed 000 Art. 13-17", f"{LINGSHOU}第十三条至第十七条"),
    ("seed 000 Art. 9, 15", f"{LINGSHOU}第九条、第十五条"),
    ("seed 004 Art. 18", "《陵川县行政审批局行政许可全过程记录办法》第十八条"),
    ("行政许可法 Art. 32；seed 000 Art. 7", f"《中华人民共和国行政许可法》第三十二条；{LINGSHOU}第七条"),
    ("行政处罚法 Art. 44, 62", "《中华人民共和国行政处罚法》第四十四条、第六十二条"),
    ("seed 002 Art. 17, 003 Art. 12-13",
     "《行政执法全过程记录办法》第十七条, 《昌黎县大蒲河镇行政执法全过程记录实施办法》第十二条至第十三条"),
    ("政务服务大厅监控录像不少于 1 个月（seed 004 Art. 18）",
     "政务服务大厅监控录像不少于 1 个月（《陵川县行政审批局行政许可全过程记录办法》第十八条）"),
    ("《行政处罚法》第四十二条", "《行政处罚法》第四十二条"),          # already in words: left as it is
    ("没有引用", "没有引用"),
])
def test_short_citations_in_words(short, words):
    assert in_words(short, TITLES) == words


def test_a_seed_no_title_names_gets_a_neutral_title_not_its_number():
    assert in_words("seed 001 Art. 8", {}) == "《行政执法全过程记录办法》第八条"


def test_the_administrator_title_replaces_the_placeholder():
    assert in_words("seed 002 Art. 16", {**TITLES, "002": "某县某局执法全过程记录办法"}) == "《某县某局执法全过程记录办法》第十六条"


def test_every_profile_carries_the_title_of_its_regulation():
    titles = {p.key: (p.regulation.title, p.regulation.placeholder) for p in list_profiles()}
    assert titles == {
        "lingshou-approval": ("灵寿县行政审批局行政执法全过程记录办法", False),
        "fushun-hrss": ("抚顺县人力资源和社会保障局行政执法全过程记录制度（试行）", False),
        "bureau-002": ("行政执法全过程记录办法", True),      # the seed names no agency and has no title line
        "changli-dapuhe": ("昌黎县大蒲河镇行政执法全过程记录实施办法", False),
        "lingchuan-approval": ("陵川县行政审批局行政许可全过程记录办法", False),
    }
    assert "seed" not in load_profile("bureau-002").agency.name


@pytest.mark.parametrize("profile", list_profiles(), ids=lambda p: p.key)
def test_every_citation_of_every_profile_renders_to_words(profile):
    for key, source in profile.sources():
        words = in_words(str(source), {profile.seed: profile.regulation.title})
        assert not has_short_citation(words), (key, words)
        assert words.startswith("《") and words.endswith(("条", "项", "款")), (key, words)


def _walk(obj):
    """Every Source inside a form definition (fields, slots, groups, refusal rules)."""
    if isinstance(obj, Source):
        yield obj
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            yield from _walk(item)
    elif is_dataclass(obj):
        for f in fields(obj):
            yield from _walk(getattr(obj, f.name))


def test_every_citation_of_the_rules_renders_to_words():
    """The stage requirements, general duties, deadlines and form definitions: all cite in words."""
    sources = [s for r in compliance.STAGE_REQUIREMENTS for s in r.basis]
    sources += [*compliance.GENERAL_DUTY.values(), *compliance.SIGNING_BASIS, *compliance.INTERRUPTION_BASIS,
                *compliance.PARTY_TOLD_BASIS]
    sources += [r.basis for r in deadlines.RULES] + [r.unit_basis for r in deadlines.RULES if r.unit_basis]
    sources += [s for spec in list_forms() for s in _walk(spec)]
    assert len(sources) > 50
    for source in sources:
        words = in_words(str(source), TITLES)
        assert not has_short_citation(words), words


def test_parsed_citations_with_sub_items_render():
    assert in_words(str(parse_source("seed 000 Art. 23")), TITLES) == f"{LINGSHOU}第二十三条"
