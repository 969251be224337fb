"""A copy or an export caught half-way: both write through evidence_copies.write_all."""
from threading import Event

from jlclient.services import evidence_copies


def hold_writes(monkeypatch, through: int = 0) -> tuple[list[int], Event]:
    """Let ``through`` writes pass, then make each wait (up to 10 s) for ``release``. Returns
    (the sizes of the writes begun, release)."""
    writes, release = [], Event()
    real = evidence_copies.write_all

    def held(fd, data):
        writes.append(len(data))
        if len(writes) > through:
            release.wait(10)
        real(fd, data)
    monkeypatch.setattr(evidence_copies, "write_all", held)
    return writes, release
