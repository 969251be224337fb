"""Reading the matter catalogue: the agency's own file in its data directory, else the shipped one."""
from __future__ import annotations

from pathlib import Path

from jlclient.config import data_home
from jlclient.domain.matters import Matter, MatterError, parse_matters
from jlclient.services.context import ServiceError

SHIPPED = Path(__file__).resolve().parents[2] / "resources" / "matters.toml"


def catalogue_path() -> Path:
    own = data_home() / "matters.toml"
    return own if own.is_file() else SHIPPED


def load_matters() -> tuple[Matter, ...]:
    path = catalogue_path()
    try:
        return parse_matters(path.read_text(encoding="utf-8"), path.name)
    except MatterError as exc:
        raise ServiceError(f"事项目录有误：{exc}") from exc


def find_matter(code_or_name: str) -> Matter:
    for matter in load_matters():
        if code_or_name in (matter.code, matter.name):
            return matter
    raise ServiceError(f"事项目录中没有“{code_or_name}”")
