import pytest

from jlclient.services import auth


@pytest.fixture
def login_as(demo_ctx):
    """Log in a demo user through the real service, as the dialog would."""
    from jlclient.services.setup import DEMO_PASSWORD

    def _login(username: str):
        return auth.login(demo_ctx, username, DEMO_PASSWORD)
    return _login
