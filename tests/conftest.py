"""Every test gets a fresh database and evidence store (Vorta's rule)."""
from __future__ import annotations

import os
import sys

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.support.memory_keyring.MemoryKeyring"

from jlclient.config import Paths  # noqa: E402
from jlclient.services.context import AppContext  # noqa: E402


@pytest.fixture(autouse=True)
def _qt_in_chinese_and_preferences_kept_apart(tmp_path_factory):
    """Tests that use Qt run as the application does, in the zh_CN locale (calendars, numbers,
    Qt's dialogs); the window's preferences (ui.ini: geometry, last folders) go to a fresh folder."""
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QLocale
        QLocale.setDefault(QLocale(QLocale.Chinese, QLocale.China))
    if "PySide6.QtWidgets" in sys.modules:
        from jlclient.ui import prefs
        prefs.use_folder(tmp_path_factory.mktemp("ui-prefs"))


@pytest.fixture(scope="session")
def pg_cluster():
    from tests.support.postgres import Cluster
    cluster = Cluster().start()
    yield cluster
    cluster.stop()


def _paths(tmp_path, url: str | None = None, name: str = "home") -> Paths:
    home = tmp_path / name
    home.mkdir(exist_ok=True)
    return Paths(home, url or f"sqlite:///{home / 'jlclient.db'}", home / "evidence")


@pytest.fixture
def ctx(tmp_path):
    """A migrated, empty SQLite context."""
    context = AppContext.open(_paths(tmp_path))
    yield context
    context.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_ctx(request, tmp_path):
    """The same test on SQLite and on a real PostgreSQL database."""
    url = request.getfixturevalue("pg_cluster").new_database() if request.param == "postgresql" else None
    context = AppContext.open(_paths(tmp_path, url, f"home-{request.param}"))
    yield context
    context.close()


@pytest.fixture
def demo_ctx(ctx):
    from jlclient.services import setup
    setup.initialise(ctx, "cli:test")
    setup.seed_demo(ctx, "cli:test")
    return ctx


@pytest.fixture
def login_as(demo_ctx):
    """Log in a demo user through the real service, as the dialog would."""
    from jlclient.services import auth
    from jlclient.services.setup import DEMO_PASSWORD

    def _login(username: str):
        return auth.login(demo_ctx, username, DEMO_PASSWORD)
    return _login
