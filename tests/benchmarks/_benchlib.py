"""Shared helpers for the benchmark scripts (not a benchmark itself: run_all.py runs bench_*.py only).

The scripts run as plain files (``python tests/benchmarks/bench_x.py``), so this module is imported
from the script's own directory, which Python puts first on sys.path.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
# Measure the jlclient of this tree (also when the tree is a copy with a patch to try out), not whatever
# the virtualenv's editable install points at.
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))


def base_env(home: Path | None = None) -> dict[str, str]:
    """The environment for a child process: offscreen Qt, a throwaway JL_HOME, the tree importable."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    for key in ("JL_DATABASE_URL", "JL_EVIDENCE_DIR"):
        env.pop(key, None)
    if home is not None:
        env["JL_HOME"] = str(home)
    return env


def init_demo_home(home: Path) -> float:
    """Create an initialised JL_HOME the way a user would (`jlclient init --demo`); returns seconds taken."""
    home.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    done = subprocess.run([PYTHON, "-m", "jlclient", "init", "--demo"], env=base_env(home), cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"jlclient init --demo failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - start


@contextmanager
def demo_home(prefix: str) -> Iterator[tuple[Path, Path, float]]:
    """A temporary directory holding an initialised demo JL_HOME (``<tmp>/home``) that this
    process uses; yields the directory, the home and the seconds `jlclient init --demo` took."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        home = Path(tmp) / "home"
        seconds = init_demo_home(home)
        use_home(home)
        yield Path(tmp), home, seconds


def use_home(home: Path) -> None:
    """Point this process's AppContext.open() at ``home``."""
    os.environ["JL_HOME"] = str(home)
    for key in ("JL_DATABASE_URL", "JL_EVIDENCE_DIR"):
        os.environ.pop(key, None)


def median(values) -> float:
    return statistics.median(values)


def goal_text(value: float, goal: float, *, at_most: bool, unit: str = "") -> str:
    """``goal <= 200 ms`` or ``goal <= 200 ms, MISSED``."""
    met = value <= goal if at_most else value >= goal
    op = "<=" if at_most else ">="
    text = f"goal {op} {goal:g}{(' ' + unit) if unit else ''}"
    return text if met else f"{text}, MISSED"


def line(name: str, value: float, note: str = "", digits: int = 1) -> None:
    """One figure: ``name  value  (note)``."""
    text = f"{name}  {value:.{digits}f}"
    if note:
        text += f"  ({note})"
    print(text, flush=True)


def info(text: str) -> None:
    """A line of context (setup times, sizes), marked so it is not mistaken for a figure."""
    print(f"  # {text}", flush=True)


def quiet_qt_warnings() -> None:
    """Drop the offscreen plugin's "This plugin does not support ..." warnings; pass the rest to stderr."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode, _context, message):
        if not message.startswith("This plugin does not support"):
            print(message, file=sys.stderr, flush=True)

    qInstallMessageHandler(handler)


def wait_until_painted(app, widget, timeout_s: float = 10.0) -> bool:
    """Process events until ``widget`` has received and handled a Paint event; False on timeout."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject

    state = {"painted": False}

    class _Watch(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
            if event.type() == QEvent.Paint:
                state["painted"] = True
            return False

    watch = _Watch()
    widget.installEventFilter(watch)
    deadline = time.perf_counter() + timeout_s
    try:
        # The filter sees the Paint event before it is handled; the processEvents call that
        # delivered it returns only after the paint (and the backing-store flush) is done.
        while not state["painted"] and time.perf_counter() < deadline:
            app.processEvents(QEventLoop.AllEvents)
    finally:
        widget.removeEventFilter(watch)
    return state["painted"]
