"""The shipped agency rule profiles (resources/profiles/<key>.toml): reading them from disk.

Parsing and validation live in :mod:`jlclient.domain.profile`; this module only finds and
reads the files.
"""
from __future__ import annotations

import re
from pathlib import Path

from jlclient.domain.profile import ProfileError, RuleProfile, parse_profile

PROFILE_DIR = Path(__file__).resolve().parents[2] / "resources" / "profiles"

_KEY_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def available_keys() -> list[str]:
    """Keys of the shipped profiles, sorted."""
    return sorted(path.stem for path in PROFILE_DIR.glob("*.toml"))


def _read(path: Path) -> RuleProfile:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ProfileError(path.name, "不是 UTF-8 编码的文本") from None
    return parse_profile(text, path.name)


def list_profiles() -> list[RuleProfile]:
    """Every shipped profile, sorted by key; a broken file raises ProfileError."""
    return [_read(PROFILE_DIR / f"{key}.toml") for key in available_keys()]


def load_profile(key: str) -> RuleProfile:
    """One profile by key, e.g. ``load_profile("lingchuan-approval")``."""
    path = PROFILE_DIR / f"{key}.toml"
    if not _KEY_RE.fullmatch(key) or not path.is_file():
        keys = "、".join(available_keys()) or "（无）"
        raise ProfileError(f"{key}.toml", f"没有标识为“{key}”的机关规则配置；可用的配置有：{keys}")
    return _read(path)
