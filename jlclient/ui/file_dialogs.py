"""The one way to ask for a file or a folder: a Chinese dialog that starts where it makes sense —
the folder the caller suggests, else the folder last used for the same purpose, else the user's
Documents (or home) folder; never the program's own folder (the working directory)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QApplication, QFileDialog

from jlclient.ui import prefs
from jlclient.ui.qt_chinese import install as install_qt_chinese


def open_file(parent, title: str, purpose: str, filter: str = "", start: str = "") -> str:  # noqa: A002 (Qt's word)
    """The file chosen, or "" when cancelled."""
    return _ask(parent, title, purpose, start, filter, QFileDialog.ExistingFile, save=False)


def save_file(parent, title: str, purpose: str, name: str = "", filter: str = "",  # noqa: A002
              start: str = "") -> str:
    """Where to save (``name`` suggested in the start folder), or "" when cancelled."""
    return _ask(parent, title, purpose, start, filter, QFileDialog.AnyFile, save=True, name=name)


def choose_folder(parent, title: str, purpose: str, start: str = "") -> str:
    """The folder chosen, or "" when cancelled."""
    return _ask(parent, title, purpose, start, "", QFileDialog.Directory, save=False)


def documents() -> Path:
    for location in (QStandardPaths.DocumentsLocation, QStandardPaths.HomeLocation):
        found = QStandardPaths.writableLocation(location)
        if found and Path(found).is_dir():
            return Path(found)
    return Path.home()


def start_folder(purpose: str, suggested: str = "") -> tuple[Path, str]:
    """(folder, file name) to open at: the suggestion when it names an existing folder (or a file in
    one), else the last folder used for ``purpose``, else Documents."""
    if suggested:
        path = Path(suggested).expanduser()
        if path.is_absolute() and path.is_dir():
            return path, ""
        if path.is_absolute() and path.parent.is_dir():
            return path.parent, path.name
    last = prefs.settings().value(f"folders/{purpose}", "")
    if last and Path(str(last)).is_dir():
        return Path(str(last)), Path(suggested).name if suggested else ""
    return documents(), Path(suggested).name if suggested else ""


def remember(purpose: str, chosen: str, is_folder: bool) -> None:
    folder = Path(chosen) if is_folder else Path(chosen).parent
    prefs.settings().setValue(f"folders/{purpose}", str(folder))


def _ask(parent, title: str, purpose: str, start: str, filter: str,  # noqa: A002
         mode: QFileDialog.FileMode, *, save: bool, name: str = "") -> str:
    install_qt_chinese(QApplication.instance())
    folder, suggested_name = start_folder(purpose, start)
    if mode == QFileDialog.Directory:
        chosen = QFileDialog.getExistingDirectory(parent, title, str(folder))
    elif save:
        chosen, _ = QFileDialog.getSaveFileName(parent, title, str(folder / (name or suggested_name)), filter)
        suffix = _suffix(filter)
        if chosen and suffix and not chosen.lower().endswith("." + suffix.lower()):
            chosen += "." + suffix          # a name typed without its extension gets it
    else:
        chosen, _ = QFileDialog.getOpenFileName(parent, title, str(folder), filter)
    if chosen:
        remember(purpose, chosen, mode == QFileDialog.Directory)
    return chosen


def _suffix(filter: str) -> str:  # noqa: A002
    """"PDF 文件 (*.pdf)" → "pdf": a name typed without it gets it."""
    start = filter.find("(*.")
    if start < 0:
        return ""
    end = min(i for i in (filter.find(")", start), filter.find(" ", start)) if i > 0)
    suffix = filter[start + 3:end]
    return suffix if suffix.isalnum() else ""
