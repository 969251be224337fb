"""Writes docs/traceability.md: every seed article the product encodes, the profile rule, form or
compliance check that encodes it, and the tests that cite it. Generated from the shipped profiles and
forms and the compliance module, so the table cannot drift from them (tests/test_traceability.py
compares the committed file with a fresh run).

    .venv/bin/python packaging/traceability.py          # rewrite docs/traceability.md
    .venv/bin/python packaging/traceability.py --check  # exit 1 when the committed file is stale
"""
from __future__ import annotations

import re
import sys
from dataclasses import fields, is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Iterator, Mapping

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from jlclient.domain import compliance  # noqa: E402
from jlclient.domain.profile import Source  # noqa: E402
from jlclient.services.forms import list_forms  # noqa: E402
from jlclient.services.profiles import list_profiles  # noqa: E402

TARGET = ROOT / "docs" / "traceability.md"
TESTS = ROOT / "tests"
HEADER = """# 种子条款追溯表（traceability）

由 `packaging/traceability.py` 根据规则配置（resources/profiles）、表单（forms）和合规检查
（jlclient/domain/compliance.py）生成，请勿手工编辑；`tests/test_traceability.py` 核对本文件与重新生成的结果一致。
“测试”列列出在测试代码中引用该条款（如 `seed 000 Art. 21`）的测试文件。

| 条款 | 规则、表单或检查 | 测试 |
|---|---|---|
"""


def _walk(obj: Any, path: str) -> Iterator[tuple[str, Source]]:
    """(where, source) of every citation inside a form spec or a compliance constant."""
    if isinstance(obj, Source):
        yield path, obj
    elif isinstance(obj, (Enum, type, str, bytes, int, float, bool)) or obj is None:
        return
    elif isinstance(obj, Mapping):
        for key, value in obj.items():
            yield from _walk(value, f"{path}[{key}]")
    elif isinstance(obj, (tuple, list, frozenset, set)):
        for i, item in enumerate(obj):
            key = getattr(item, "key", None) or getattr(item, "code", None) or i
            yield from _walk(item, f"{path}[{key}]")
    elif is_dataclass(obj):
        for f in fields(obj):
            yield from _walk(getattr(obj, f.name), f"{path}.{f.name}")


def _articles(source: Source) -> list[str]:
    """One row per article: "6, 15" cites two; a range "24-26" stays one row."""
    return [a.strip() for a in source.article.split(",") if a.strip()]


def encodings() -> dict[tuple[str, str], set[str]]:
    """(seed, article) → what encodes it, in words a reviewer can find in the repository."""
    found: dict[tuple[str, str], set[str]] = {}

    def add(source: Source, where: str) -> None:
        if source.is_national_law or source.is_practice:
            return
        for article in _articles(source):
            found.setdefault((source.seed, article), set()).add(f"{where} {source.detail.strip()}".strip())

    for profile in list_profiles():
        for key, source in profile.sources():
            add(source, f"规则配置 `{profile.key}`：`{key}`")
    for form in list_forms():
        for where, source in _walk(form, ""):
            add(source, f"表单 `{form.code}`（{form.title}）`{where.lstrip('.')}`")
    for name, value in sorted(vars(compliance).items()):
        if name.isupper():
            for where, source in _walk(value, name):
                add(source, f"合规检查 `compliance.{where}`")
    return found


def _order(key: tuple[str, str]) -> tuple[str, int, str]:
    seed, article = key
    return seed, int(re.match(r"\d+", article).group()), article


def citing_tests(seed: str, article: str) -> list[str]:
    pattern = re.compile(rf"seed {seed} Art\. {re.escape(article)}(?![\d-])")
    return sorted(str(p.relative_to(ROOT)) for p in TESTS.rglob("test_*.py")
                  if pattern.search(p.read_text(encoding="utf-8")))


def render() -> str:
    found = encodings()
    rows = []
    for key in sorted(found, key=_order):
        seed, article = key
        tests = "<br>".join(f"`{t}`" for t in citing_tests(seed, article)) or "—（尚无测试引用本条）"
        rows.append(f"| seed {seed} Art. {article} | {'<br>'.join(sorted(found[key]))} | {tests} |")
    return HEADER + "\n".join(rows) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if TARGET.read_text(encoding="utf-8") != text:
            print("docs/traceability.md 已过期：请运行 packaging/traceability.py 重新生成", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
