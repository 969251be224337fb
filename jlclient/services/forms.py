"""The shipped legal forms (``forms/<code>.toml``): reading them from disk.

Parsing and validation live in :mod:`jlclient.domain.forms`; this module only finds and
reads the files.
"""
from __future__ import annotations

import re
from pathlib import Path

from jlclient.domain.forms import FormError, FormSpec, parse_form
from jlclient.domain.model import STAGE_ORDER, Procedure, Stage

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"

_CODE_RE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def available_codes() -> list[str]:
    """Codes of the shipped forms, sorted."""
    return sorted(path.stem for path in FORMS_DIR.glob("*.toml"))


def _read(path: Path) -> FormSpec:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FormError(path.name, "不是 UTF-8 编码的文本") from None
    return parse_form(text, path.name)


def list_forms() -> list[FormSpec]:
    """Every shipped form, sorted by code; a broken file raises FormError."""
    return [_read(FORMS_DIR / f"{code}.toml") for code in available_codes()]


def load_form(code: str) -> FormSpec:
    """One form by code, e.g. ``load_form("service_return_receipt")``."""
    path = FORMS_DIR / f"{code}.toml"
    if not _CODE_RE.fullmatch(code) or not path.is_file():
        codes = "、".join(available_codes()) or "（无）"
        raise FormError(f"{code}.toml", f"没有代码为“{code}”的表单；可用的表单有：{codes}")
    return _read(path)


def forms_for(procedure: Procedure, stage: Stage) -> list[FormSpec]:
    """The forms of one procedure's stage, in the order they are usually made."""
    if stage not in STAGE_ORDER[procedure]:
        return []
    forms = [f for f in list_forms() if f.applies_to(procedure, stage)]
    return sorted(forms, key=lambda f: (f.order, f.code))
