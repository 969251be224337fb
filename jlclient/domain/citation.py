"""Citations in words: the short form kept in code and data ("seed 000 Art. 22", "行政许可法 Art. 32")
turned into what a person reads: 《灵寿县行政审批局行政执法全过程记录办法》第二十二条.

The short form stays in profiles, findings and JSON (stable, machine-readable); every screen, PDF
and the CLI's human output goes through :func:`in_words`. A seed's title comes from its agency
profile (``RuleProfile.regulation``), so the caller passes the titles it knows; national laws are
named here.
"""
from __future__ import annotations

import re
from typing import Mapping

# National laws cited by their short name, with the title used in documents.
LAW_TITLES: Mapping[str, str] = {
    "行政许可法": "中华人民共和国行政许可法",
    "行政处罚法": "中华人民共和国行政处罚法",
    "行政强制法": "中华人民共和国行政强制法",
    "民事诉讼法": "中华人民共和国民事诉讼法",
    "档案法": "中华人民共和国档案法",
    "民法典": "中华人民共和国民法典",
    "政府信息公开条例": "中华人民共和国政府信息公开条例",
    "劳动保障监察条例": "劳动保障监察条例",  # a State Council regulation: its title has no 中华人民共和国
}

# A seed no profile names (should not happen with the shipped profiles): a neutral title rather
# than the internal number.
NEUTRAL_TITLE = "行政执法全过程记录办法"

_DIGITS = "零一二三四五六七八九"
_ONE = r"\d+(?:-\d+)?(?![\d-])"
_ITEM = r"(?:\s?[(（][一二三四五六七八九十]+[)）])"
# "seed 000 Art. 7(三)(四)", "行政许可法 Art. 32", "seed 002 Art. 4, 7, 9", "seed 000 Art. 28 ¶2",
# and the bare "003 Art. 12-13" that follows a first citation ("seed 002 Art. 17, 003 Art. 12-13")
CITATION_RE = re.compile(
    rf"(?:seed (?P<seed>\d{{3}})|(?<![\d\w])(?P<bare>\d{{3}})|(?P<law>{'|'.join(LAW_TITLES)})) Art\. "
    rf"(?P<articles>{_ONE}(?:, {_ONE}(?! Art\.))*)(?P<paragraph> ¶\d+)?(?P<items>{_ITEM}*)")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 22 → 二十二, 105 → 一百零五 (article numbers, up to 999)."""
    if not 0 < n < 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (_DIGITS[ones] if ones else "")


def _article(one: str) -> str:
    """"22" → 第二十二条; "24-26" → 第二十四条至第二十六条."""
    first, _, last = one.partition("-")
    words = f"第{chinese_number(int(first))}条"
    return f"{words}至第{chinese_number(int(last))}条" if last else words


def articles_in_words(articles: str, paragraph: str = "", items: str = "") -> str:
    """The article part of a citation: "7", "(三)(四)" → 第七条第（三）项、第（四）项."""
    text = "、".join(_article(a.strip()) for a in articles.split(","))
    if paragraph:
        text += f"第{chinese_number(int(paragraph.strip(' ¶')))}款"
    subs = re.findall(r"[一二三四五六七八九十]+", items or "")
    if subs:
        text += "、".join(f"第（{s}）项" for s in subs)
    return text


def title_of(source: str, titles: Mapping[str, str]) -> str:
    """The regulation's title: a seed's from ``titles`` (seed → title), a national law's from LAW_TITLES."""
    if source in LAW_TITLES:
        return LAW_TITLES[source]
    return titles.get(source) or NEUTRAL_TITLE


def _words(match: re.Match, titles: Mapping[str, str]) -> str:
    source = match["seed"] or match["bare"] or match["law"]
    return f"《{title_of(source, titles)}》" + articles_in_words(match["articles"], match["paragraph"] or "",
                                                                 match["items"] or "")


def in_words(text: str, titles: Mapping[str, str]) -> str:
    """``text`` with every short citation in it put in words; text already in words is left as it is.

    ``titles`` maps a seed number ("000") to its regulation's title (the agency profiles'
    ``regulation``; the agency's own may be edited by the administrator).
    """
    if not text or "Art." not in text:
        return text
    return CITATION_RE.sub(lambda m: _words(m, titles), text)


def has_short_citation(text: str) -> bool:
    """Whether a short (internal) citation is left in ``text``: for tests and checks."""
    return bool(CITATION_RE.search(text or "")) or "seed " in (text or "")
