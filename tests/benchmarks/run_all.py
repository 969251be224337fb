"""Run every tests/benchmarks/bench_*.py in its own process, one after another, and print what they print.

`make bench` runs this. The exit status is non-zero only when a benchmark script crashes (non-zero exit
or killed); a goal that is missed is a figure like any other, marked MISSED in its line.

    .venv/bin/python tests/benchmarks/run_all.py [name ...]   # e.g. run_all.py verify startup
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMEOUT_S = 600  # per script; the whole run normally takes about two minutes on two cores


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(a in s.stem for a in argv)]
        if not scripts:
            print(f"no benchmark matches {' '.join(argv)}", file=sys.stderr)
            return 2
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    failed = []
    missed = 0
    start = time.perf_counter()
    for script in scripts:
        print(f"== {script.name}", flush=True)
        t0 = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, str(script)], env=env, cwd=HERE.parents[1],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT_S)
            output, code = done.stdout, done.returncode
        except subprocess.TimeoutExpired as exc:
            output = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            output += f"\n(killed after {TIMEOUT_S} s)"
            code = -1
        print(output.rstrip("\n"), flush=True)
        missed += sum(1 for out in output.splitlines() if "MISSED" in out and not out.startswith(" "))
        status = "ok" if code == 0 else f"CRASHED (exit {code})"
        print(f"-- {script.name}: {status}, {time.perf_counter() - t0:.1f} s", flush=True)
        if code != 0:
            failed.append(script.name)
    print(f"== {len(scripts)} benchmarks in {time.perf_counter() - start:.0f} s; "
          f"{missed} goal(s) missed; {len(failed)} crashed{': ' + ', '.join(failed) if failed else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
