"""Keys and milliseconds of the daily flows, driven with a user's hands (issue 13).

The figures come from the key-driven end-to-end tests themselves, so the bench and the suite can
never count different flows: each test drives the real widgets with tests/support/keys.Keys and calls
``keys.report(flow)``, which appends its figures to $JL_KEY_REPORT. This script runs those tests
once with pytest (offscreen) and prints, per flow:

  * keys.<flow>: keys pressed beyond the typed content (Tab, Enter, Space, Ctrl+A, …); goals
    <= 20 for the complete window intake and <= 10 for correction → acceptance (others: reported);
  * the characters typed, mouse clicks, and the milliseconds the flow took end to end (widgets,
    services, database, printing where the flow prints).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchlib import PYTHON, ROOT, base_env, goal_text, info, line  # noqa: E402

# flow name as the test reports it -> (test node id, goal for the keys or None)
FLOWS = {
    "window intake": ("tests/ui/test_intake_dialog.py::test_the_complete_intake_by_keys_is_stored_and_printed", 20),
    "correction → acceptance": ("tests/ui/test_supplement_dialog.py::test_correction_to_acceptance_by_keys", 10),
    "inquiry record": ("tests/e2e/test_inquiry_record_keys.py", None),
    "linking footage": ("tests/e2e/test_keys_link_footage.py", None),
}
SLUG = {"window intake": "intake", "correction → acceptance": "correction_to_acceptance",
        "inquiry record": "inquiry_record", "linking footage": "link_footage"}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="jl-bench-keys-") as tmp:
        report = Path(tmp) / "keys.jsonl"
        env = base_env()
        env["JL_KEY_REPORT"] = str(report)
        nodes = [node for node, _ in FLOWS.values() if (ROOT / node.split("::")[0]).exists()]
        done = subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not postgres", *nodes],
                              env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout[-4000:], done.stderr[-2000:], sep="\n")
            return 1
        rows = [json.loads(x) for x in report.read_text(encoding="utf-8").splitlines()] if report.exists() else []
    seen = {r["flow"]: r for r in rows}
    for flow, (_node, goal) in FLOWS.items():
        r = seen.get(flow)
        if r is None:
            info(f"{flow}: no key-driven test reported it")
            continue
        note = f"{r['typed']} typed characters, {r['clicks']} clicks"
        if goal is not None:
            note += "; " + goal_text(r["strokes"], goal, at_most=True, unit="keys")
        line(f"keys.{SLUG[flow]}", r["strokes"], note, digits=0)
        line(f"keys.{SLUG[flow]}_ms", r["ms"], "the whole flow, end to end", digits=0)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
