"""Where data lives. ``JL_HOME`` overrides the per-user data directory;
``JL_DATABASE_URL`` points a workstation at a bureau's PostgreSQL server (as the application role);
``JL_OWNER_DATABASE_URL``, set only on the administrator's workstation, names the owner role that
migrates the schema and grants the application role its rights."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    home: Path
    database_url: str
    evidence: Path
    owner_database_url: str = ""

    @property
    def is_embedded(self) -> bool:
        return self.database_url.startswith("sqlite")


def data_home() -> Path:
    if os.environ.get("JL_HOME"):
        return Path(os.environ["JL_HOME"]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("jlclient", appauthor=False))


def resolve(home: Path | None = None) -> Paths:
    home = home or data_home()
    url = os.environ.get("JL_DATABASE_URL") or f"sqlite:///{home / 'jlclient.db'}"
    evidence = Path(os.environ.get("JL_EVIDENCE_DIR") or home / "evidence")
    return Paths(home, url, evidence, os.environ.get("JL_OWNER_DATABASE_URL", ""))
