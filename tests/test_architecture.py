"""Layers (design guide §2): domain imports nothing of ours below it and no framework or I/O;
nothing below ui imports QtWidgets."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "jlclient"
FORBIDDEN_IN_DOMAIN = {"PySide6", "sqlalchemy", "alembic", "cv2", "vlc", "reportlab", "keyring", "psycopg",
                       "os", "io", "pathlib", "shutil", "subprocess", "socket", "sqlite3", "tempfile",
                       "jlclient.store", "jlclient.services", "jlclient.ui", "jlclient.devices", "jlclient.media",
                       "jlclient.printing", "jlclient.config"}
BELOW_UI = ("domain", "store", "services", "devices", "media", "printing")


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _hits(names, forbidden):
    return sorted(n for n in names for f in forbidden if n == f or n.startswith(f + "."))


@pytest.mark.parametrize("path", sorted((ROOT / "domain").rglob("*.py")), ids=lambda p: p.name)
def test_domain_is_pure(path):
    assert _hits(imports(path), FORBIDDEN_IN_DOMAIN) == []


@pytest.mark.parametrize("path", sorted(p for layer in BELOW_UI for p in (ROOT / layer).rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_lower_layers_never_import_widgets_or_ui(path):
    assert _hits(imports(path), {"PySide6.QtWidgets", "jlclient.ui"}) == []


@pytest.mark.parametrize("path", sorted(p for layer in ("store", "devices", "media", "printing")
                                        for p in (ROOT / layer).rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_arrows_point_down_only(path):
    """store, devices, media and printing never call up into services (type hints aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    guarded = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
               for n in ast.walk(node)}
    runtime = set()
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            runtime.add(node.module)
        elif isinstance(node, ast.Import):
            runtime.update(a.name for a in node.names)
    assert _hits(runtime, {"jlclient.services", "jlclient.ui"}) == []


def test_the_check_catches_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtWidgets import QLabel\nimport sqlalchemy\n")
    assert _hits(imports(bad), FORBIDDEN_IN_DOMAIN) == ["PySide6.QtWidgets", "PySide6.QtWidgets.QLabel", "sqlalchemy"]
