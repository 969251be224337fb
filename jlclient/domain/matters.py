"""The matter catalogue (事项目录): what a window clerk can take in, with its materials list."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass

from jlclient.domain.model import Procedure


class MatterError(ValueError):
    pass


@dataclass(frozen=True)
class Material:
    name: str
    copies: int
    original: bool       # 原件 (True) or 复印件 (False)
    required: bool
    standard: str = ""   # what makes the material acceptable, for the correction notice


@dataclass(frozen=True)
class Matter:
    code: str
    name: str
    procedure: Procedure
    basis: str
    promised_days: int
    materials: tuple[Material, ...]


@dataclass(frozen=True)
class MaterialCheck:
    """One material as the clerk checked it at the desk; copies and 原件/复印件 as the
    catalogue asks unless the clerk saw otherwise."""
    name: str
    received: bool
    copies: int | None = None
    original: bool | None = None
    file_hash: str = ""  # the captured scan in the evidence store, if any
    size: int = 0


def receipt_row(matter: Matter, check: MaterialCheck) -> dict:
    """A received material as the receipt lists it: 原件/复印件, copies and 标准 from the matter
    catalogue, overridden by what the clerk marked."""
    listed = next((m for m in matter.materials if m.name == check.name), None)
    original = check.original if check.original is not None else (listed.original if listed else True)
    copies = check.copies if check.copies is not None else (listed.copies if listed else 1)
    return {"name": check.name, "copies": copies, "kind": "original" if original else "copy",
            "standard": listed.standard if listed else ""}


_MATTER_KEYS = {"code", "name", "procedure", "basis", "promised_days", "materials"}
_MATERIAL_KEYS = {"name", "copies", "original", "required", "standard"}


def parse_matters(text: str, filename: str) -> tuple[Matter, ...]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MatterError(f"{filename}：不是有效的 TOML（{exc}）") from exc
    matters = []
    for i, raw in enumerate(data.get("matter", [])):
        where = f"{filename}：matter[{i}]"
        if set(raw) != _MATTER_KEYS:
            raise MatterError(f"{where} 的键应为 {sorted(_MATTER_KEYS)}，实际为 {sorted(raw)}")
        materials = []
        for j, m in enumerate(raw["materials"]):
            if not {"name", "copies", "original", "required"} <= set(m) <= _MATERIAL_KEYS:
                raise MatterError(f"{where}.materials[{j}] 的键不对：{sorted(m)}")
            materials.append(Material(m["name"], int(m["copies"]), bool(m["original"]), bool(m["required"]),
                                      m.get("standard", "")))
        try:
            procedure = Procedure(raw["procedure"])
        except ValueError as exc:
            raise MatterError(f"{where}.procedure 未知：{raw['procedure']}") from exc
        matters.append(Matter(raw["code"], raw["name"], procedure, raw["basis"], int(raw["promised_days"]),
                              tuple(materials)))
    codes = [m.code for m in matters]
    if len(set(codes)) != len(codes):
        raise MatterError(f"{filename}：事项代码重复")
    return tuple(matters)


def missing_materials(matter: Matter, checks: list[MaterialCheck]) -> list[Material]:
    """Required materials not received: all of them go into ONE correction notice (行政许可法 Art. 32)."""
    received = {c.name for c in checks if c.received}
    return [m for m in matter.materials if m.required and m.name not in received]
