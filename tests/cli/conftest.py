"""Fixtures the CLI tests share."""
import pytest


@pytest.fixture
def demo_home(demo_ctx, monkeypatch):
    """The command line pointed at a copy of the seeded demo (the session's template, no fresh
    `init --demo` and its argon2 hashing per test); the folder is the home."""
    monkeypatch.setenv("JL_HOME", str(demo_ctx.paths.home))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    monkeypatch.delenv("JL_TOKEN", raising=False)
    return demo_ctx.paths.home
