"""The shipped legal forms (``forms/<code>.toml``): reading them from disk.

Parsing and validation live in :mod:`jlclient.domain.forms`; this module only finds and
reads the files.
"""
from __future__ import annotations

from pathlib import Path

from jlclient.domain.forms import FormError, FormSpec, parse_form
from jlclient.datafiles import Catalogue
from jlclient.domain.model import STAGE_ORDER, Procedure, Stage

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"

_FORMS = Catalogue(FORMS_DIR, parse_form, FormError, r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*", "表单")


def available_codes() -> list[str]:
    """Codes of the shipped forms, sorted."""
    return _FORMS.keys()


def list_forms() -> list[FormSpec]:
    """Every shipped form, sorted by code; a broken file raises FormError."""
    return _FORMS.all()


def load_form(code: str) -> FormSpec:
    """One form by code, e.g. ``load_form("service_return_receipt")``."""
    return _FORMS.load(code)


def forms_for(procedure: Procedure, stage: Stage) -> list[FormSpec]:
    """The forms of one procedure's stage, in the order they are usually made."""
    if stage not in STAGE_ORDER[procedure]:
        return []
    forms = [f for f in list_forms() if f.applies_to(procedure, stage)]
    return sorted(forms, key=lambda f: (f.order, f.code))
