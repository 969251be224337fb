"""A demo database of its own under ``root``, for module-scoped fixtures (setting one up costs a second)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from jlclient.config import Paths
from jlclient.services import auth, setup
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext


def open_demo(root: Path) -> tuple[AppContext, Callable[[str], CurrentUser]]:
    """The context and a login for the demo users (password demo1234)."""
    home = root / "home"
    home.mkdir()
    ctx = AppContext.open(Paths(home, f"sqlite:///{home / 'jlclient.db'}", home / "evidence"))
    setup.initialise(ctx, "cli:test")
    setup.seed_demo(ctx, "cli:test")
    return ctx, lambda name: auth.login(ctx, name, setup.DEMO_PASSWORD)
