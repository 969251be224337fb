import hashlib
import os
import stat

import pytest

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
