"""Signed checkpoints outside the database (issue 15, finding 1): an insider who rewrites the database
so that the chain is whole again is still caught, and `verify` names the checkpoint it breaks."""
from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

import keyring
import pytest
from sqlalchemy import select

from jlclient.devices.pull import Docked, pull
from jlclient.domain.anchors import DAY_END, Checkpoint, first_break
from jlclient.domain.audit import content_hash, entry_hash
from jlclient.services import anchors, settings, setup
from jlclient.services.context import ServiceError
from jlclient.services.verify import verify
from jlclient.store.models import AuditEntry, Case, ChainHead
from tests.support.pull_child import camera_files
from tests.support.tamper import raw_sql

COLUMNS = ("seq", "ts", "actor", "action", "entity_type", "entity_id", "subject_hash", "detail", "prev_hash",
           "entry_hash")


# --- an insider's tools: rewrite the chain so that it is whole again -------------------------------

def _quote(value) -> str:
    return str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"


def _entries(ctx, from_seq: int = 1) -> list[dict]:
    with ctx.db.read() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.seq >= from_seq).order_by(AuditEntry.seq))
        return [{c: getattr(e, c) for c in COLUMNS} for e in rows]


def _head(ctx) -> tuple[int, str]:
    with ctx.db.read() as s:
        return tuple(s.execute(select(ChainHead.seq, ChainHead.hash)).one())


def rewrite_chain(ctx, from_seq: int, entries: list[dict], *extra_sql: str) -> None:
    """Replace every entry from ``from_seq`` on by ``entries`` (numbered and hashed afresh, as someone
    who knows the design would), move the chain head to the new end, and run ``extra_sql`` with it."""
    prev = _entries(ctx, from_seq - 1)[0]["entry_hash"] if from_seq > 1 else "0" * 64
    statements = [f"DELETE FROM audit_entry WHERE seq >= {from_seq}"]
    seq = from_seq - 1
    for e in entries:
        seq += 1
        fields = (seq, e["ts"], e["actor"], e["action"], e["entity_type"], e["entity_id"], e["subject_hash"],
                  e["detail"], prev)
        prev = entry_hash(*fields)
        statements.append(f"INSERT INTO audit_entry ({', '.join(COLUMNS)}) VALUES "
                          f"({', '.join(_quote(v) for v in fields + (prev,))})")
    statements.append(f"UPDATE chain_head SET seq = {seq}, hash = '{prev}' WHERE id = 1")
    raw_sql(ctx, *extra_sql, *statements)


def _without_checkpoints(ctx, tmp_path) -> list:
    """What verify finds with the anchors folder out of reach, besides the folder being empty: the
    chain and every row pass, as they did before this issue (orphan files aside)."""
    hidden = tmp_path / "hidden-anchors"
    shutil.move(anchors.folder(ctx), hidden)
    try:
        report = verify(ctx)
    finally:
        shutil.move(hidden, anchors.folder(ctx))
    assert "没有找到任何检查点文件" in report.problem.what
    return report.problems[1:]


def _assert_names(report, cp: Checkpoint, *words: str) -> None:
    assert not report.ok
    assert report.problem.kind == "anchor", report.problem
    assert report.problem.where == cp.name(anchors.local_time(cp))
    assert f"第 {cp.seq} 条审计记录" in report.problem.where
    for word in words:
        assert word in report.problem.what, report.problem.what


# --- finding 1: the four rewrites --------------------------------------------------------------------

def test_deleted_newest_entries_and_head_moved_back_break_the_checkpoint(demo_ctx, tmp_path):
    ctx = demo_ctx
    before = _head(ctx)
    settings.set_int(ctx, "user:admin", "volumes_per_box", 12)
    cp = anchors.checkpoint_now(ctx)
    assert cp.seq == _head(ctx)[0] > before[0]
    # the insider takes the change back out: its entry, its row, and the head moved back
    rewrite_chain(ctx, before[0] + 1, [], "DELETE FROM setting WHERE key = 'volumes_per_box'")
    assert _without_checkpoints(ctx, tmp_path) == []
    _assert_names(verify(ctx), cp, f"只到第 {before[0]} 条", f"第 {before[0] + 1}–{cp.seq} 条")


def _camera(path: Path, files: int = 2) -> Path:
    rng = random.Random(15)
    for i in range(files):
        f = path / "DCIM" / "100MEDIA" / f"DSJ0015_130101_20261123{9 + i:02d}0000_{i:04d}.MP4"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(rng.randbytes(50_000))
    return path


# children before parents, so that PostgreSQL's foreign keys let the rows go
_ERASE_ORDER = ("pulled_file", "interruption_note", "av_analysis", "av_marker", "av_record", "docking",
                "camera_fault", "body_camera")


def test_erased_camera_pull_breaks_the_checkpoint_and_leaves_orphan_footage(demo_ctx, tmp_path):
    ctx = demo_ctx
    before = _head(ctx)
    camera = _camera(tmp_path / "cam")
    report = pull(ctx, "user:officer", Docked(camera, "DSJ0015"), camera_files(camera))
    assert report.complete and report.count("stored") == 2
    footage = {r.sha256 for r in report.results}
    cp = anchors.checkpoint_now(ctx)
    # erase the whole pull: its entries, the rows they made, the head
    made = {(e["entity_type"], e["entity_id"]) for e in _entries(ctx, before[0] + 1) if e["entity_type"]}
    order = {t: i for i, t in enumerate(_ERASE_ORDER)}
    deletes = [f"DELETE FROM {t} WHERE id = {int(i)}" for t, i in sorted(made, key=lambda m: order.get(m[0], 99))]
    rewrite_chain(ctx, before[0] + 1, [], *deletes)

    assert {p.kind for p in _without_checkpoints(ctx, tmp_path)} == {"file"}   # only the orphan check sees it
    report = verify(ctx)
    _assert_names(report, cp, "已不在数据库中")
    orphans = {p.where.removeprefix("证据文件 ") for p in report.problems if "孤立文件" in p.what}
    assert orphans == footage


def test_entry_deleted_mid_chain_and_the_rest_rehashed_breaks_the_checkpoint(demo_ctx, tmp_path):
    ctx = demo_ctx
    cp = anchors.checkpoint_now(ctx)
    entries = _entries(ctx)
    # an entry whose deletion leaves every row matching its newest entry: only its own trace goes
    later = {}
    for e in entries:
        later[(e["entity_type"], e["entity_id"])] = e["seq"]
    victim = next(e for e in entries[20:] if later[(e["entity_type"], e["entity_id"])] != e["seq"])
    # and pads the end with a harmless-looking entry, so the chain is as long as before
    filler = {**entries[-1], "action": "user.login", "entity_type": "", "entity_id": "", "subject_hash": "",
              "detail": "{}"}
    rewrite_chain(ctx, victim["seq"], [e for e in entries if e["seq"] > victim["seq"]] + [filler])
    assert _head(ctx)[0] == cp.seq and _without_checkpoints(ctx, tmp_path) == []
    _assert_names(verify(ctx), cp, "与检查点不符", "重新计算了哈希")


def test_forged_title_edit_with_a_matching_entry_breaks_the_checkpoint(demo_ctx, tmp_path):
    ctx = demo_ctx
    cp = anchors.checkpoint_now(ctx)
    with ctx.db.read() as s:
        case = s.scalars(select(Case).order_by(Case.id)).first()
        forged = {**case.canonical(), "title": "已篡改的案件名称"}
    entries = _entries(ctx)
    last = max(e["seq"] for e in entries if (e["entity_type"], e["entity_id"]) == ("case_file", str(case.id)))
    edit = {**entries[last - 1], "action": "case.edit", "subject_hash": content_hash(forged), "detail": "{}"}
    rewrite_chain(ctx, last + 1, [edit] + [e for e in entries if e["seq"] > last],
                  f"UPDATE case_file SET title = '已篡改的案件名称' WHERE id = {case.id}")
    assert _without_checkpoints(ctx, tmp_path) == []
    _assert_names(verify(ctx), cp, "与检查点不符")


@pytest.mark.postgres
def test_rewrite_is_caught_on_postgresql(pg_cluster, tmp_path):
    from jlclient.config import Paths
    from jlclient.services.context import AppContext
    home = tmp_path / "pg"
    home.mkdir()
    ctx = AppContext.open(Paths(home, pg_cluster.new_database(), home / "evidence"))
    try:
        setup.initialise(ctx, "cli:test")
        before = _head(ctx)
        settings.set_int(ctx, "user:admin", "volumes_per_box", 12)
        cp = anchors.checkpoint_now(ctx)
        rewrite_chain(ctx, before[0] + 1, [], "DELETE FROM setting WHERE key = 'volumes_per_box'")
        _assert_names(verify(ctx), cp, "已不在数据库中")
    finally:
        ctx.close()


# --- the checkpoints themselves ----------------------------------------------------------------------

def _files(ctx) -> list[Path]:
    return sorted(anchors.folder(ctx).rglob("*.json"))


def test_first_change_registers_a_key_and_writes_a_signed_checkpoint(ctx):
    assert _files(ctx) == []
    setup.initialise(ctx, "cli:test")
    [path] = _files(ctx)
    cp = Checkpoint.from_dict(json.loads(path.read_text(encoding="utf-8")))
    [key] = anchors.public_keys(ctx)
    assert key.signature_ok(cp) and cp.key_id == key.key_id == anchors.key_state(ctx).key.key_id
    assert (cp.seq, cp.hash) == _head(ctx)
    assert not path.stat().st_mode & 0o222                   # written once, read-only
    with ctx.db.read() as s:
        assert s.scalar(select(AuditEntry.detail).where(AuditEntry.action == "anchor.key")).count(key.key_id)
    report = verify(ctx)
    assert report.ok and report.checkpoints == 1
    assert (report.key_id, report.key_fingerprint) == (key.key_id, key.fingerprint)


def test_checkpoints_follow_the_interval_and_close_each_day(ctx, monkeypatch):
    clock = [1_800_000_000.0]           # 2027-01-15 16:00 Beijing time
    monkeypatch.setattr(anchors, "_now", lambda: clock[0])
    setup.initialise(ctx, "cli:test")
    assert len(_files(ctx)) == 1
    clock[0] += 60
    settings.set_int(ctx, "user:admin", "volumes_per_box", 11)
    assert len(_files(ctx)) == 1                              # within ten minutes: no new file
    clock[0] += 10 * 60
    settings.set_int(ctx, "user:admin", "volumes_per_box", 12)
    assert len(_files(ctx)) == 2
    from jlclient.services.context import AppContext
    other = AppContext.open(ctx.paths)        # another process of this workstation keeps the pace
    try:
        clock[0] += 60
        settings.set_int(other, "user:admin", "volumes_per_box", 14)
        assert len(_files(ctx)) == 2 and anchors._watch_of(other).error == ""
        assert anchors._watch_of(other).due == pytest.approx(clock[0] - 60 + 10 * 60, abs=1)
    finally:
        other.close()
    evening = _head(ctx)
    clock[0] += 9 * 3600                                      # past midnight, Beijing time
    settings.set_int(ctx, "user:admin", "volumes_per_box", 13)
    written = [Checkpoint.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in _files(ctx)]
    day_end = [c for c in written if c.kind == DAY_END]
    assert [(c.seq, c.hash) for c in day_end] == [evening]    # yesterday's last state, signed today
    assert (written[-1].seq, written[-1].hash) == _head(ctx)
    assert verify(ctx).ok


def test_tampered_checkpoint_file_is_named(ctx):
    setup.initialise(ctx, "cli:test")
    [path] = _files(ctx)
    data = json.loads(path.read_text(encoding="utf-8"))
    path.chmod(0o644)
    path.write_text(json.dumps({**data, "seq": data["seq"] - 1}), encoding="utf-8")
    report = verify(ctx)
    assert (report.problem.kind, report.problem.what) == ("anchor", "签名无效：检查点文件被改动或伪造")
    assert path.name in report.problem.where


def test_checkpoint_files_are_chained_so_a_deleted_one_shows(ctx):
    setup.initialise(ctx, "cli:test")
    for minutes in (11, 12):
        settings.set_int(ctx, "user:admin", "volumes_per_box", minutes)
        anchors.checkpoint_now(ctx)
    first, middle, last = _files(ctx)
    chained = [Checkpoint.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in (first, middle, last)]
    assert chained[0].prev == "" and chained[2].prev == hashlib.sha256(middle.read_bytes()).hexdigest()
    assert verify(ctx).ok
    middle.unlink()
    report = verify(ctx)
    assert report.problem.kind == "anchor" and last.name in report.problem.where
    assert "它之前的一个检查点文件已不在" in report.problem.what


def test_deleted_checkpoints_are_not_a_silent_pass_and_a_copy_elsewhere_still_catches(demo_ctx, tmp_path):
    ctx = demo_ctx
    before = _head(ctx)
    settings.set_int(ctx, "user:admin", "volumes_per_box", 12)
    cp = anchors.checkpoint_now(ctx)
    usb = tmp_path / "usb"
    assert anchors.copy_to(ctx, usb) == len(_files(ctx)) >= 1
    assert anchors.copy_to(ctx, usb) == 0                    # only what the copy lacks
    # the insider also clears the evidence folder's checkpoints
    rewrite_chain(ctx, before[0] + 1, [], "DELETE FROM setting WHERE key = 'volumes_per_box'")
    for path in _files(ctx):
        path.unlink()
    report = verify(ctx)
    assert not report.ok and "没有找到任何检查点文件" in report.problem.what
    _assert_names(verify(ctx, usb), cp, "已不在数据库中")


@pytest.fixture
def lost_key(demo_ctx):
    """The keyring loses this workstation's key (given back afterwards: the demo template shares it)."""
    anchors.checkpoint_now(demo_ctx)
    old = anchors.key_state(demo_ctx).key
    secret = keyring.get_password(anchors.KEYRING_SERVICE, old.key_id)
    keyring.delete_password(anchors.KEYRING_SERVICE, old.key_id)
    yield old
    keyring.set_password(anchors.KEYRING_SERVICE, old.key_id, secret)


def test_lost_key_is_a_clear_state_and_an_admin_makes_a_new_one(demo_ctx, lost_key, login_as):
    ctx, old = demo_ctx, lost_key
    state = anchors.key_state(ctx)
    assert state.lost and "私钥已不在系统密钥环中" in state.text()
    report = verify(ctx)
    assert report.ok                                          # old checkpoints still check
    assert any(old.key_id in w and "私钥已不在" in w for w in report.warnings)
    with pytest.raises(ServiceError, match="私钥已不在"):
        anchors.checkpoint_now(ctx)
    with pytest.raises(ServiceError, match="只有系统管理员"):
        anchors.new_key(ctx, login_as("officer"))
    new = anchors.new_key(ctx, login_as("admin"))
    assert new.key_id != old.key_id and not anchors.key_state(ctx).lost
    with ctx.db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "anchor.key")
                          .order_by(AuditEntry.seq.desc())).first()
    assert entry.actor == "user:admin" and old.key_id in entry.detail
    report = verify(ctx)
    assert report.ok and not report.warnings and report.key_id == new.key_id
    assert {k.key_id for k in anchors.public_keys(ctx)} >= {old.key_id, new.key_id}


def test_export_carries_the_keys_and_checkpoints(demo_ctx):
    cp = anchors.checkpoint_now(demo_ctx)
    carried = anchors.for_export(demo_ctx)
    key = anchors.key_state(demo_ctx).key
    assert {k["key_id"]: k["fingerprint"] for k in carried["keys"]}[key.key_id] == key.fingerprint
    assert cp.as_dict() in carried["checkpoints"]
    assert key.signature_ok(Checkpoint.from_dict(carried["checkpoints"][-1]))


def test_a_database_without_checkpoints_says_so(ctx):
    from jlclient.store import audit
    with ctx.db.write() as s:           # no agency yet: no key, no checkpoint
        audit.append(s, "cli:test", "test.note")
    report = verify(ctx)
    assert report.ok and report.checkpoints == 0
    assert any("还没有签名检查点" in w for w in report.warnings)


def test_state_change_is_not_held_up_by_a_missing_keyring(ctx, monkeypatch):
    def broken(*_a):
        raise RuntimeError("no keyring")
    monkeypatch.setattr(keyring, "set_password", broken)
    setup.initialise(ctx, "cli:test")                         # committed all the same
    assert setup.is_initialised(ctx) and _files(ctx) == []


# --- the rule, without files -----------------------------------------------------------------------

def _cp(seq: int, digest: str) -> Checkpoint:
    return Checkpoint(seq, digest, "2026-12-03T01:00:00.000000Z", "pc", "k")


def test_first_break_names_the_lowest_failing_checkpoint_and_the_span():
    cps = [_cp(5, "a"), _cp(10, "b"), _cp(20, "c")]
    assert first_break(cps, 25, {5: "a", 10: "b", 20: "c"}) is None
    broken = first_break(cps, 25, {5: "a", 10: "x", 20: "c"})
    assert broken.checkpoint.seq == 10 and "第 6–10 条" in broken.what
    cut = first_break(cps, 12, {5: "a", 10: "b"})
    assert cut.checkpoint.seq == 20 and "只到第 12 条" in cut.what and "第 13–20 条" in cut.what
