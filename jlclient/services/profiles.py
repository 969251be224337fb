"""The shipped agency rule profiles (resources/profiles/<key>.toml): reading them from disk.

Parsing and validation live in :mod:`jlclient.domain.profile`; this module only finds and
reads the files.
"""
from __future__ import annotations

from pathlib import Path

from jlclient.domain.profile import ProfileError, RuleProfile, parse_profile
from jlclient.datafiles import Catalogue

PROFILE_DIR = Path(__file__).resolve().parents[2] / "resources" / "profiles"

_PROFILES = Catalogue(PROFILE_DIR, parse_profile, ProfileError, r"[a-z0-9]+(?:-[a-z0-9]+)*", "机关规则配置")


def available_keys() -> list[str]:
    """Keys of the shipped profiles, sorted."""
    return _PROFILES.keys()


def list_profiles() -> list[RuleProfile]:
    """Every shipped profile, sorted by key; a broken file raises ProfileError."""
    return _PROFILES.all()


def load_profile(key: str) -> RuleProfile:
    """One profile by key, e.g. ``load_profile("lingchuan-approval")``."""
    return _PROFILES.load(key)
