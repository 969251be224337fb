"""The workstation's own preferences for the window (geometry, splitters, the folder last used per
purpose): an INI file in the data directory, beside the database of a single workstation, so that
each data directory (and each test's) has its own and nothing is written elsewhere."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

ORGANISATION = "jlclient"
APPLICATION = "jlclient"
_folder: Path | None = None


def use_folder(home: Path) -> None:
    """Keep the preferences under ``home`` (the data directory), from now on."""
    global _folder
    _folder = Path(home)


def settings() -> QSettings:
    if _folder is None:   # before any data directory is open (tests of a lone dialog): Qt's default place
        return QSettings(QSettings.IniFormat, QSettings.UserScope, ORGANISATION, APPLICATION)
    return QSettings(str(_folder / "ui.ini"), QSettings.IniFormat)
