"""Citations for people: the titles of the regulations (from the shipped profiles, the agency's own
as its administrator set it) and :func:`words`, which puts the short citations of a text in words
(:mod:`jlclient.domain.citation`)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.domain.citation import in_words
from jlclient.domain.profile import RuleProfile
from jlclient.services import settings
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.profiles import list_profiles, load_profile
from jlclient.store.models import Agency, Setting

TITLE_LIMIT = 100


def _title_key(profile: RuleProfile) -> str:
    return f"regulation_title.{profile.key}"


def regulation_title(s: Session, profile: RuleProfile) -> str:
    """The title citations give ``profile``'s regulation: the administrator's, where the seed names
    none (a placeholder), else the one the regulation carries."""
    if profile.regulation.placeholder:
        row = s.get(Setting, _title_key(profile))
        if row is not None and row.value.strip():
            return row.value
    return profile.regulation.title


def titles(s: Session) -> dict[str, str]:
    """Seed → regulation title, for :func:`jlclient.domain.citation.in_words`."""
    found = {p.seed: p.regulation.title for p in list_profiles()}
    agency = s.scalar(select(Agency))
    if agency is not None:
        own = load_profile(agency.profile_key)
        found[own.seed] = regulation_title(s, own)
    return found


def read_titles(ctx: AppContext) -> dict[str, str]:
    with ctx.db.read() as s:
        return titles(s)


def words(ctx: AppContext, text: str) -> str:
    """``text`` with its short citations in words (one database read; for many texts use read_titles)."""
    if not text or "Art." not in text:
        return text
    return in_words(text, read_titles(ctx))


def set_regulation_title(ctx: AppContext, actor: str, profile_key: str, title: str) -> None:
    """The administrator names the agency's regulation where its profile carries a neutral title."""
    profile = load_profile(profile_key)
    title = title.strip().strip("《》").strip()
    if not profile.regulation.placeholder:
        if title and title != profile.regulation.title:
            raise ServiceError(f"“{profile.regulation.title}”是规定本身载明的名称，不能修改")
        return
    if len(title) > TITLE_LIMIT:
        raise ServiceError(f"规定名称不能超过 {TITLE_LIMIT} 个字")
    settings.put(ctx, actor, _title_key(profile), title or profile.regulation.title)
