"""One workstation docking camera after camera, in step with another process doing the same (a
barrier of files per round), so both pull the same camera at the same moment."""
import json
import sys
import time
from pathlib import Path

from jlclient.config import Paths
from jlclient.devices.layouts import recognise
from jlclient.devices.pull import pull
from jlclient.services.cameras import dock_found
from jlclient.services.context import AppContext


def _barrier(folder: Path, round_no: int, me: str, parties: int) -> None:
    (folder / f"{round_no}-{me}").touch()
    given_up = time.monotonic() + 60
    while len(list(folder.glob(f"{round_no}-*"))) < parties:
        if time.monotonic() > given_up:
            sys.exit(f"round {round_no}: the other workstation never came")
        time.sleep(0.001)


if __name__ == "__main__":
    home, url, evidence, cameras, me = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), sys.argv[5]
    ctx = AppContext.open(Paths(home, url, evidence))
    barrier = cameras / "barrier"
    for n, camera in enumerate(sorted(p for p in cameras.iterdir() if p.name.startswith("cam"))):
        _barrier(barrier, n, me, 2)
        _view, docked, files = dock_found(ctx, f"cli:{me}", recognise(camera))
        report = pull(ctx, f"cli:{me}", docked, files)
        print(json.dumps({"camera": docked.serial, "statuses": [r.status for r in report.results],
                          "messages": [r.message for r in report.results]}, ensure_ascii=False), flush=True)
    ctx.close()
