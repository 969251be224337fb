import errno
import hashlib
import io
import os
import random
import stat
import threading

import pytest

from jlclient.store import evidence
from jlclient.store.evidence import EvidenceError, LocalEvidenceStore


def test_put_is_content_addressed_and_read_only(tmp_path):
    store = LocalEvidenceStore(tmp_path / "ev")
    data = "执法记录仪视频".encode() * 1000
    stored = store.put_bytes(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data) and not stored.already_present
    path = store.path(stored.sha256)
    assert path.read_bytes() == data
    assert not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert store.check(stored.sha256) is None


def test_second_put_of_same_content_is_not_copied_twice(tmp_path):
    store = LocalEvidenceStore(tmp_path / "ev")
    first = store.put_bytes(b"abc")
    second = store.put_bytes(b"abc")
    assert first.verified and not second.verified  # the copy already there was not read back now
    assert second.already_present and second.sha256 == first.sha256
    assert list(store.hashes()) == [first.sha256]
    assert os.listdir(tmp_path / "ev" / "tmp") == []


def test_failed_put_leaves_no_file(tmp_path):
    store = LocalEvidenceStore(tmp_path / "ev")

    class Broken:
        def __init__(self):
            self.calls = 0

        def read(self, n):
            self.calls += 1
            if self.calls > 2:
                raise OSError(5, "Input/output error")
            return b"x" * 10

    with pytest.raises(EvidenceError):
        store.put_stream(Broken())
    assert list(store.hashes()) == []
    assert os.listdir(tmp_path / "ev" / "tmp") == []


def test_paths_cannot_escape_the_store(tmp_path):
    store = LocalEvidenceStore(tmp_path / "ev")
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")


# ---------------------------------------------------------------- the put reads the new file back from the disk

@pytest.fixture
def small_segments(monkeypatch):
    """Tiny blocks and segments, so a small put crosses many of them (segment ends off page boundaries)."""
    monkeypatch.setattr(evidence, "CHUNK", 4096)
    monkeypatch.setattr(evidence, "SEGMENT", 3 * 4096 + 100)


def test_put_reads_every_byte_back_from_the_disk_before_naming_the_file(tmp_path, monkeypatch, small_segments):
    store = LocalEvidenceStore(tmp_path / "ev")
    settled, dropped = [], []
    real_settle, real_fadvise = evidence._settle, os.posix_fadvise
    monkeypatch.setattr(evidence, "_settle", lambda fd, a, b: (settled.append((a, b)), real_settle(fd, a, b)))
    monkeypatch.setattr(os, "posix_fadvise", lambda fd, a, n, advice: (dropped.append((a, n, advice)),
                                                                       real_fadvise(fd, a, n, advice)))
    data = random.Random(3).randbytes(100_000)
    stored = store.put_stream(io.BytesIO(data))
    assert stored.verified and not stored.already_present
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and store.path(stored.sha256).read_bytes() == data
    # the read-back covers the file exactly once, in order, each segment dropped from the cache first
    assert len(settled) > 5 and settled[0][0] == 0 and settled[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in zip(settled, settled[1:]))
    assert dropped == [(a, b - a, os.POSIX_FADV_DONTNEED) for a, b in settled]


def test_streams_without_readinto_and_short_reads_store_the_same(tmp_path, small_segments):
    store = LocalEvidenceStore(tmp_path / "ev")
    data = random.Random(4).randbytes(50_000)

    class Dribble:  # a camera reader: read() only, and never the whole block asked for
        def __init__(self):
            self.at, self.rng = 0, random.Random(5)

        def read(self, n):
            block = data[self.at:self.at + min(n, self.rng.randint(1, 7000))]
            self.at += len(block)
            return block

    stored = store.put_stream(Dribble())
    assert stored.verified and stored.size == len(data) and store.path(stored.sha256).read_bytes() == data
    assert store.put_stream(io.BytesIO(data)).already_present


def test_a_disk_that_does_not_hold_what_was_written_stores_nothing(tmp_path, monkeypatch, small_segments):
    store = LocalEvidenceStore(tmp_path / "ev")
    real = evidence._settle

    def bad_disk(fd, start, end):
        real(fd, start, end)
        if start == 0:
            os.pwrite(fd, b"\xff", 5)   # what the disk gives back is not what was written
    monkeypatch.setattr(evidence, "_settle", bad_disk)
    threads = threading.active_count()
    with pytest.raises(EvidenceError, match="读回校验不一致") as caught:
        store.put_bytes(bytes(60_000))
    assert not caught.value.disk_full
    assert list(store.hashes()) == [] and os.listdir(tmp_path / "ev" / "tmp") == []
    assert threading.active_count() == threads


def test_a_lost_tail_is_caught(tmp_path, monkeypatch, small_segments):
    store = LocalEvidenceStore(tmp_path / "ev")
    real = evidence._settle
    data = b"tail" * 10_000

    def lost(fd, start, end):
        if end == len(data):
            os.ftruncate(fd, end - 10)
        real(fd, start, end)
    monkeypatch.setattr(evidence, "_settle", lost)
    with pytest.raises(EvidenceError, match="读回校验不一致"):
        store.put_bytes(data)
    assert list(store.hashes()) == [] and os.listdir(tmp_path / "ev" / "tmp") == []


def test_disk_full_while_syncing_is_named_as_full(tmp_path, monkeypatch, small_segments):
    store = LocalEvidenceStore(tmp_path / "ev")

    def full(fd, start, end):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(evidence, "_settle", full)
    threads = threading.active_count()
    with pytest.raises(EvidenceError, match="空间已满") as caught:
        store.put_bytes(bytes(60_000))
    assert caught.value.disk_full
    assert list(store.hashes()) == [] and os.listdir(tmp_path / "ev" / "tmp") == []
    assert threading.active_count() == threads


def test_a_failed_read_stops_the_helper_threads(tmp_path, small_segments):
    store = LocalEvidenceStore(tmp_path / "ev")

    class Unplugged(io.RawIOBase):  # readinto works for a while, then the camera is gone
        def __init__(self):
            self.calls = 0

        def readable(self):
            return True

        def readinto(self, b):
            self.calls += 1
            if self.calls > 20:
                raise OSError(errno.EIO, "Input/output error")
            b[:100] = b"z" * 100
            return 100

    threads = threading.active_count()
    with pytest.raises(EvidenceError, match="写入证据存储失败"):
        store.put_stream(Unplugged())
    assert threading.active_count() == threads
    assert list(store.hashes()) == [] and os.listdir(tmp_path / "ev" / "tmp") == []


def test_check_still_rehashes_a_stored_file(tmp_path):
    store = LocalEvidenceStore(tmp_path / "ev")
    stored = store.put_bytes(b"evidence" * 100_000)
    assert store.check(stored.sha256) is None
    path = store.path(stored.sha256)
    os.chmod(path, 0o644)
    with open(path, "r+b") as f:
        f.seek(400_000)
        f.write(b"X")
    assert "不符" in store.check(stored.sha256)
