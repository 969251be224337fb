"""Signing in on the command line as an operator does: `jlclient --user NAME --password-file FILE …`."""
from __future__ import annotations

from pathlib import Path

from jlclient.services.setup import DEMO_PASSWORD


def signed_in(folder: Path, user: str = "admin", password: str = DEMO_PASSWORD) -> list[str]:
    """The global options that sign ``user`` in, with the password in a file under ``folder``
    (the demo users' password unless told)."""
    secret = Path(folder) / f"{user}.password"
    secret.write_text(password + "\n", encoding="utf-8")
    return ["--user", user, "--password-file", str(secret)]
