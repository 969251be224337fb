"""A pull in its own process, so a test can kill -9 it at any moment."""
import sys
from pathlib import Path

from jlclient.config import Paths
from jlclient.devices.pull import CameraFile, Docked, pull
from jlclient.services.context import AppContext


def camera_files(root: Path) -> list[CameraFile]:
    return [CameraFile(p.relative_to(root).as_posix(), p.stat().st_size, None)
            for p in sorted(root.rglob("*")) if p.is_file()]


if __name__ == "__main__":
    home, camera = Path(sys.argv[1]), Path(sys.argv[2])
    ctx = AppContext.open(Paths(home, f"sqlite:///{home / 'jlclient.db'}", home / "evidence"))
    seen = set()

    def announce(path, _n):   # one line as each file starts, so the test can kill inside the pull
        if path not in seen:
            seen.add(path)
            print(path, flush=True)
    print(pull(ctx, "cli:dock", Docked(camera, "DSJ0001"), camera_files(camera), progress=announce).complete,
          flush=True)
