"""Cold start to the login window, beside a bare PySide6 window started the same way (issue 2).

Each start is a fresh ``python`` process (see _startup_child.py), timed from Popen until the child's
first window has been shown and painted (the child stamps that moment and prints a marker).
jlclient goes through jlclient.ui.app.run(): QApplication, AppContext.open() (with the Alembic check)
on a JL_HOME made once with ``jlclient init --demo``, first_start(), Session.login() building and
showing the LoginDialog. The two kinds alternate so that drift on the machine hits both alike;
medians are reported.

Bytecode: the children write .pyc files into a private PYTHONPYCACHEPREFIX (never into the tree),
and one uncounted warm-up start of each kind fills it, so the counted starts are those of an
installed application whose .pyc files exist.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchlib import PYTHON, base_env, goal_text, info, init_demo_home, line, median  # noqa: E402

CHILD = Path(__file__).resolve().with_name("_startup_child.py")
RUNS = 7
GOAL_RATIO = 1.5


def start_once(kind: str, env: dict) -> tuple[float, dict]:
    """Milliseconds from Popen to the PAINTED marker, and the child's phase marks (ms since Popen)."""
    with tempfile.TemporaryFile() as err:
        wall0 = time.time()
        t0 = time.perf_counter()
        proc = subprocess.Popen([PYTHON, str(CHILD), kind], env=env, stdout=subprocess.PIPE, stderr=err, text=True)
        marks = None
        for out in proc.stdout:
            if out.startswith("PAINTED "):
                seen = (time.perf_counter() - t0) * 1000
                marks = json.loads(out[len("PAINTED "):])
                break
        rest = proc.stdout.read()
        code = proc.wait(timeout=60)
        if marks is None or code != 0:
            err.seek(0)
            raise RuntimeError(f"{kind} start-up child failed (exit {code}, marker {'seen' if marks else 'missing'}):"
                               f"\n{rest}\n{err.read().decode(errors='replace')}")
    marks = {k: (v - wall0) * 1000 for k, v in marks.items()}
    # Spawn to painted on the wall clock both processes share; the marker line arrives a little later.
    if not 0 < marks["painted"] <= seen + 5:
        raise RuntimeError(f"{kind}: painted mark {marks['painted']:.1f} ms vs marker read at {seen:.1f} ms")
    return marks["painted"], marks


def phases(marks: list[dict], names: list[tuple[str, str, str]]) -> str:
    """Median length of each phase; a phase whose marks are missing (work moved elsewhere) is left out."""
    parts = []
    for label, a, b in names:
        values = [m[b] - (m[a] if a else 0.0) for m in marks if b in m and (not a or a in m)]
        if len(values) == len(marks):
            parts.append(f"{label} {median(values):.0f}")
    return ", ".join(parts)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="jlbench-startup-") as tmp:
        home = Path(tmp) / "home"
        seconds = init_demo_home(home)
        env = base_env(home)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")

        warm_bare, _ = start_once("bare", env)
        warm_jl, _ = start_once("jlclient", env)
        times: dict[str, list[float]] = {"bare": [], "jlclient": []}
        marks: dict[str, list[dict]] = {"bare": [], "jlclient": []}
        for _ in range(RUNS):
            for kind in ("bare", "jlclient"):
                ms, m = start_once(kind, env)
                times[kind].append(ms)
                marks[kind].append(m)

    bare, jl = median(times["bare"]), median(times["jlclient"])
    ratio = jl / bare
    line("startup.login_window_ms", jl,
         f"bare PySide6 window {bare:.1f} ms, ratio {ratio:.2f}, {goal_text(ratio, GOAL_RATIO, at_most=True)}")
    info(f"medians of {RUNS} alternating starts each; ranges: jlclient {min(times['jlclient']):.0f}-"
         f"{max(times['jlclient']):.0f} ms, bare {min(times['bare']):.0f}-{max(times['bare']):.0f} ms")
    info("jlclient phases, median ms each: "
         + phases(marks["jlclient"], [("python up", "", "interpreter"),
                                      ("import jlclient.ui.app+login", "interpreter", "imports"),
                                      ("QApplication+AppContext.open", "imports", "ctx_opened"),
                                      ("first_start", "ctx_opened", "first_start_done"),
                                      ("LoginDialog built", "first_start_done", "dialog_built"),
                                      ("show to painted", "show", "painted")]))
    info("bare phases, median ms each: "
         + phases(marks["bare"], [("python up", "", "interpreter"), ("imports", "interpreter", "imports"),
                                  ("QApplication", "imports", "qapplication"), ("show to painted", "show", "painted")]))
    info(f"uncounted warm-up starts (empty bytecode cache): bare {warm_bare:.0f} ms, jlclient {warm_jl:.0f} ms; "
         f"jlclient init --demo took {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
