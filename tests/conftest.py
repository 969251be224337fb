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


_TEMPLATES: dict[tuple[str, object], object] = {}


def _template(tmp_path_factory, kind: str):
    """A home made once per session and local day — migrated, and for "demo" seeded — that each
    test gets a copy of: migrating and seeding a fresh database (argon2 hashes of seven users, two
    filmed clips, ~40 records) for every test made the suite three times slower. The day is in the
    key because the demo dates its acts from today."""
    from jlclient.clock import today
    key = (kind, today())
    if key not in _TEMPLATES:
        paths = _paths(tmp_path_factory.mktemp(f"template-{kind}"))
        context = AppContext.open(paths)
        if kind == "demo":
            from jlclient.services import setup
            setup.initialise(context, "cli:test")
            setup.seed_demo(context, "cli:test")
        context.close()                # the database file is whole (no WAL left) before it is copied
        _TEMPLATES[key] = paths.home
    return _TEMPLATES[key]


@pytest.fixture
def ctx(request, tmp_path, tmp_path_factory):
    """A migrated, empty SQLite context (the demo's, when the test also asks for demo_ctx)."""
    import shutil
    kind = "demo" if "demo_ctx" in request.fixturenames else "empty"
    shutil.copytree(_template(tmp_path_factory, kind), tmp_path / "home", dirs_exist_ok=True)
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
    """The demo agency as `jlclient init --demo` makes it: ctx copied it from the session's template,
    or, where a test module brings its own ctx, it is seeded here."""
    from jlclient.services import setup
    if not setup.is_initialised(ctx):
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
