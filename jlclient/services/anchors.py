"""Signed checkpoints of the audit chain, written outside the database (issue 15).

Each workstation has an Ed25519 key. Its private half stays in the OS keyring; its public half is
registered in the database (an audited setting row) and printed where the trail is printed. After a
state change commits, at most every ``checkpoint_minutes`` and at the first change of a new day, the
chain head is signed and written as a small JSON file under the evidence store's ``anchors/`` folder
(never overwritten). ``verify`` checks the chain against every checkpoint it finds, so a history
rewritten in the database (entries deleted, the head moved back, the chain re-hashed) is caught up to
the newest checkpoint. What it cannot catch: changes after that checkpoint, or by someone who also
holds the private key (README, "防删改").

SM2/SM3 are not offered yet: the only PyPI bindings (gmssl, pure Python, last released 2023; ctypes
wrappers that need a GmSSL library the installers do not ship) are not maintained enough to vouch
for evidence. ``Checkpoint.algorithm`` names the algorithm so that a second one can be added.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import shutil
import stat
import threading
import time
import weakref
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from jlclient.clock import local, zone
from jlclient.domain.anchors import DAY_END, INTERVAL, NEW_KEY, ON_DEMAND, Break, Checkpoint, first_break
from jlclient.domain.audit import canonical_json
from jlclient.services.context import AppContext, ServiceError
from jlclient.store import audit
from jlclient.store.models import Agency, ChainHead, Setting

log = logging.getLogger(__name__)

KEYRING_SERVICE = "jlclient-anchor-key"
KEY_PREFIX = "anchor_key:"            # setting: the registered public half of a key, by key id
CURRENT_PREFIX = "anchor_current:"    # setting: the key a workstation signs with now
INTERVAL_SETTING = "checkpoint_minutes"    # services.settings.SPECS
DEFAULT_MINUTES = 10
FOLDER = "anchors"

_now = time.time     # tests move the clock here


# --- keys -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicKey:
    key_id: str
    algorithm: str
    public_key: str        # base64 of the raw 32 bytes
    workstation: str
    created: str

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the public key in groups of four, as it is printed and read aloud."""
        digest = hashlib.sha256(base64.b64decode(self.public_key)).hexdigest()
        return " ".join(digest[i:i + 4] for i in range(0, 32, 4))

    def signature_ok(self, cp: Checkpoint) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(self.public_key)).verify(
                base64.b64decode(cp.signature, validate=True), cp.payload())
        except (InvalidSignature, ValueError):
            return False
        return cp.algorithm == self.algorithm


@dataclass(frozen=True)
class KeyState:
    """This workstation's signing key as verify and the administrator see it."""
    key: PublicKey | None
    lost: bool          # registered in the database, but the keyring no longer holds its private half

    def text(self) -> str:
        if self.key is None:
            return "本工作站尚未生成检查点签名密钥（第一次保存数据时自动生成）"
        where = f"签名密钥 {self.key.key_id}（指纹 {self.key.fingerprint}）"
        if self.lost:
            return (f"本工作站的{where}的私钥已不在系统密钥环中：此后不再写入检查点，已有检查点仍可核对。"
                    "请系统管理员生成新密钥（jlclient --user 管理员 verify --new-key）。")
        return where


def _key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


def _workstation(ctx: AppContext) -> str:
    return ctx.workstation[:60]


def registered_keys(session: Session) -> dict[str, PublicKey]:
    rows = session.scalars(select(Setting).where(Setting.key.like(f"{KEY_PREFIX}%")))
    keys = {}
    for row in rows:
        try:
            d = json.loads(row.value)
            keys[row.key.removeprefix(KEY_PREFIX)] = PublicKey(row.key.removeprefix(KEY_PREFIX), d["algorithm"],
                                                               d["public_key"], d["workstation"], d["created"])
        except (ValueError, KeyError, TypeError):
            continue      # a damaged row: verify's row check names it, and its checkpoints find no key
    return keys


def _current_key(session: Session, workstation: str) -> PublicKey | None:
    row = session.get(Setting, f"{CURRENT_PREFIX}{workstation}")
    return registered_keys(session).get(row.value) if row else None


def _private(key_id: str):
    """The private half from the keyring, or None when it is gone (or no keyring answers)."""
    import keyring
    try:
        secret = keyring.get_password(KEYRING_SERVICE, key_id)
    except Exception:  # noqa: BLE001 — no keyring answers (none installed, locked, a broken backend)
        return None
    if not secret:
        return None
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    try:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(secret))
    except ValueError:
        return None


def key_state(ctx: AppContext) -> KeyState:
    with ctx.db.read() as s:
        key = _current_key(s, _workstation(ctx))
    return KeyState(key, key is not None and _private(key.key_id) is None)


@dataclass(frozen=True)
class Overview:
    """What the administrator's 防删改检查点 tab shows."""
    key: KeyState
    count: int               # checkpoint files in the evidence folder
    newest: str              # the newest one's seq and local time, in words ("" when none)
    unreadable: int          # files that could not be read (changed or damaged)


def overview(ctx: AppContext) -> Overview:
    found, bad = load(folder(ctx))
    newest = max(found, key=lambda f: (f.cp.seq, f.cp.at), default=None)
    words = f"第 {newest.cp.seq} 条审计记录，{local_time(newest.cp)}" if newest else ""
    return Overview(key_state(ctx), len(found), words, len(bad))


def public_keys(ctx: AppContext) -> list[PublicKey]:
    """Every key ever registered: the audit export prints them so checkpoints can be checked later."""
    with ctx.db.read() as s:
        return sorted(registered_keys(s).values(), key=lambda k: k.created)


def for_export(ctx: AppContext, *, newest_only: bool = False) -> dict:
    """What an audit export or a printed trail carries so that it can be checked without this
    database: every registered public key (with its fingerprint) and the checkpoints (all, or the
    newest, which vouches for every entry before it)."""
    found, _bad = load(folder(ctx))
    checkpoints = sorted((f.cp.as_dict() for f in found), key=lambda d: (d["seq"], d["at"]))
    return {"keys": [{"key_id": k.key_id, "algorithm": k.algorithm, "public_key": k.public_key,
                      "fingerprint": k.fingerprint, "workstation": k.workstation, "created": k.created}
                     for k in public_keys(ctx)],
            "checkpoints": checkpoints[-1:] if newest_only else checkpoints}


def create_key(ctx: AppContext, actor: str) -> PublicKey:
    """A new key pair for this workstation: private half to the keyring, public half registered
    (audited), and a first checkpoint signed with it."""
    import keyring
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    secret = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                   serialization.NoEncryption())
    key = PublicKey(_key_id(raw), "Ed25519", base64.b64encode(raw).decode(), _workstation(ctx),
                    audit.utcnow().isoformat(timespec="seconds") + "Z")
    try:
        keyring.set_password(KEYRING_SERVICE, key.key_id, base64.b64encode(secret).decode())
    except Exception as exc:  # noqa: BLE001 — no keyring answers: say so, in words
        raise ServiceError(f"无法把检查点签名密钥保存到系统密钥环：{exc}。请检查系统密钥环后重试。") from exc
    with ctx.db.write() as s:
        previous = s.get(Setting, f"{CURRENT_PREFIX}{key.workstation}")
        registered = Setting(key=f"{KEY_PREFIX}{key.key_id}", value=canonical_json(
            {"algorithm": key.algorithm, "public_key": key.public_key, "workstation": key.workstation,
             "created": key.created}))
        s.add(registered)
        audit.append(s, actor, "anchor.key", registered, detail={
            "key_id": key.key_id, "workstation": key.workstation, "fingerprint": key.fingerprint,
            "replaces": previous.value if previous else ""})
        if previous is None:
            previous = Setting(key=f"{CURRENT_PREFIX}{key.workstation}", value=key.key_id)
            s.add(previous)
        previous.value = key.key_id
        audit.append(s, actor, "setting.set", previous)
    return key


def new_key(ctx: AppContext, user) -> PublicKey:
    """An administrator replaces this workstation's key (after it was lost, or on a schedule). The
    old key's checkpoints stay valid: its public half stays registered."""
    from jlclient.domain.model import Role
    if not user.has(Role.ADMIN):
        raise ServiceError("只有系统管理员可以生成检查点签名密钥")
    with _guard(ctx):
        key = create_key(ctx, user.actor)
        _write(ctx, key, _head(ctx), NEW_KEY)
    return key


# --- writing checkpoints ----------------------------------------------------------------------------

def folder(ctx: AppContext) -> Path:
    return Path(ctx.paths.evidence) / FOLDER


def _head(ctx: AppContext) -> tuple[int, str]:
    with ctx.db.read() as s:
        row = s.execute(select(ChainHead.seq, ChainHead.hash).where(ChainHead.id == 1)).first()
    return tuple(row) if row else (0, "")


def _utc_text(at: float) -> str:
    return datetime.fromtimestamp(at, timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _write(ctx: AppContext, key: PublicKey, head: tuple[int, str], kind: str) -> Checkpoint | None:
    seq, digest = head
    if seq <= 0:
        return None           # nothing recorded yet: nothing to vouch for
    private = _private(key.key_id)
    if private is None:
        raise ServiceError(KeyState(key, True).text())
    newest = _newest_file(ctx, key)
    prev = hashlib.sha256(newest.read_bytes()).hexdigest() if newest is not None else ""
    unsigned = Checkpoint(seq, digest, _utc_text(_now()), key.workstation, key.key_id, kind, prev=prev)
    cp = replace(unsigned, signature=base64.b64encode(private.sign(unsigned.payload())).decode())
    _save(folder(ctx), cp)
    return cp


def _file_name(cp: Checkpoint) -> Path:
    """YYYY/MM-DD/HHMMSS-micro-key-seq.json (UTC): names sort by time, and a person can find one."""
    day, clock = cp.at.removesuffix("Z").split("T")
    stamp = clock.replace(":", "").replace(".", "-")
    return Path(day[:4]) / day[5:10] / f"{stamp}-{cp.key_id}-{cp.seq}.json"


def _save(root: Path, cp: Checkpoint) -> Path:
    """One new file, never an existing one overwritten; read-only once written."""
    path = root / _file_name(cp)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as f:
        f.write(json.dumps(cp.as_dict(), ensure_ascii=False, indent=1, sort_keys=True))
        f.flush()
        os.fsync(f.fileno())
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return path


def checkpoint_now(ctx: AppContext) -> Checkpoint | None:
    """On demand (`jlclient verify --checkpoint`): sign the chain head as it is now."""
    with _guard(ctx):
        with ctx.db.read() as s:
            key = _current_key(s, _workstation(ctx))
        if key is None:
            key = create_key(ctx, "system:checkpoint")
        cp = _write(ctx, key, _head(ctx), ON_DEMAND)
        _watch_of(ctx).written(_now())
        return cp


def copy_to(ctx: AppContext, destination: str | os.PathLike) -> int:
    """Copy the checkpoints a destination (a backup, a USB stick) does not have yet; returns how many."""
    source, dest = folder(ctx), Path(destination)
    copied = 0
    for path in sorted(source.rglob("*.json")) if source.is_dir() else ():
        target = dest / path.relative_to(source)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        copied += 1
    return copied


# --- after each state change ------------------------------------------------------------------------

@dataclass
class _Watch:
    """One context's checkpoint timing. The fast path is two comparisons of floats (≤ 1 µs)."""
    ctx: weakref.ref
    due: float = 0.0              # the first change after this time is checkpointed
    midnight: float = 0.0         # the next local midnight (or an earlier retry): the fast path's other bound
    day: date | None = None       # the agency's day of the last checkpoint written
    interval: float = DEFAULT_MINUTES * 60.0
    loaded: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    error: str = ""

    def written(self, at: float) -> None:
        self.due = at + self.interval
        self.midnight = _next_midnight(at)
        self.day = datetime.fromtimestamp(at, zone()).date()


_WATCHES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _next_midnight(at: float) -> float:
    day = datetime.fromtimestamp(at, zone()).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=zone()).timestamp()


def watch(ctx: AppContext) -> None:
    """Checkpoint this context's state changes (AppContext calls this once it is made)."""
    _WATCHES[ctx.db.writer] = _Watch(weakref.ref(ctx))


def _watch_of(ctx: AppContext) -> _Watch:
    w = _WATCHES.get(ctx.db.writer)
    if w is None:
        watch(ctx)
        w = _WATCHES[ctx.db.writer]
    return w


class _guard:
    """Hold the context's checkpoint lock so the key registration's own commit does not recurse."""

    def __init__(self, ctx: AppContext):
        self.w = _watch_of(ctx)

    def __enter__(self):
        self.w.lock.acquire()
        return self.w

    def __exit__(self, *exc):
        self.w.lock.release()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    head = session.info.pop(audit.HEAD_INFO, None)
    before = session.info.pop(audit.BEFORE_INFO, None)
    if head is None:
        return
    w = _WATCHES.get(session.bind)
    if w is None:
        return
    now = _now()
    if now < w.due and now < w.midnight:
        return
    if not w.lock.acquire(blocking=False):
        return                # another thread is writing one, or this is the key registration's own commit
    try:
        ctx = w.ctx()
        if ctx is not None:
            _slow_path(ctx, w, now, before)
    except Exception as exc:  # noqa: BLE001 — the change is committed; a checkpoint must never undo it
        w.error = str(exc)
        w.due = w.midnight = now + 60.0    # try again a minute later, not at every change
        log.warning("检查点未能写入：%s", exc)
    finally:
        w.lock.release()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(audit.HEAD_INFO, None)
    session.info.pop(audit.BEFORE_INFO, None)


def _slow_path(ctx: AppContext, w: _Watch, now: float, before: tuple[int, str]) -> None:
    with ctx.db.read() as s:
        key = _current_key(s, _workstation(ctx))
        row = s.get(Setting, INTERVAL_SETTING)
        w.interval = 60.0 * (int(row.value) if row else DEFAULT_MINUTES)
        agency = s.scalar(select(Agency.id).limit(1))
    if key is None and agency is None:
        w.due, w.midnight = now + w.interval, _next_midnight(now)   # no agency yet: its set-up makes the key
        return
    if key is None:
        key = create_key(ctx, "system:checkpoint")
    elif _private(key.key_id) is None:
        w.error = KeyState(key, True).text()
        w.due, w.midnight = now + w.interval, _next_midnight(now)
        return
    if not w.loaded:
        w.loaded = True
        last = _newest_written(ctx, key)
        if last is not None:
            w.written(last)
            if now < w.due and now < w.midnight:
                return
    if w.day is not None and datetime.fromtimestamp(now, zone()).date() != w.day and before[0] > 0:
        _write(ctx, key, before, DAY_END)      # the day's last state, before today's first change
    # the head as committed, read back: what the session wrote may have been partly rolled back
    _write(ctx, key, _head(ctx), INTERVAL)
    w.error = ""
    w.written(now)


def _newest_file(ctx: AppContext, key: PublicKey) -> Path | None:
    """This key's newest checkpoint file (names sort by time)."""
    root = folder(ctx)
    for year in sorted(root.glob("[0-9]" * 4), reverse=True):
        for day in sorted(year.iterdir(), reverse=True):
            names = sorted((p.name for p in day.glob(f"*-{key.key_id}-*.json")), reverse=True)
            if names:
                return day / names[0]
    return None


def _newest_written(ctx: AppContext, key: PublicKey) -> float | None:
    """When this key last wrote a checkpoint: a new process keeps the pace."""
    newest = _newest_file(ctx, key)
    if newest is None:
        return None
    stamp = datetime.strptime(f"{newest.parent.parent.name}-{newest.parent.name} {newest.name[:13]}",
                              "%Y-%m-%d %H%M%S-%f")
    return stamp.replace(tzinfo=timezone.utc).timestamp()


# --- checking ---------------------------------------------------------------------------------------

@dataclass
class Finding:
    where: str
    what: str


@dataclass
class AnchorCheck:
    checked: int = 0
    newest: Checkpoint | None = None
    key: PublicKey | None = None          # this workstation's current key
    problems: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _File:
    relative: str        # the file's path under its anchors folder
    sha256: str
    cp: Checkpoint


def load(root: Path) -> tuple[list[_File], list[Finding]]:
    """Every checkpoint file under ``root`` (plain strings, not Path objects: a year of checkpoints is
    tens of thousands of files, and verify's time is counted)."""
    found, bad = [], []
    base = str(root)
    cut = len(base) + 1
    sha = hashlib.sha256
    for folder_path, folders, names in os.walk(base):
        folders.sort()
        for name in sorted(names):
            if not name.endswith(".json"):
                continue
            full = os.path.join(folder_path, name)
            try:
                with open(full, "rb") as f:
                    data = f.read(64 * 1024)
                found.append(_File(full[cut:], sha(data).hexdigest(), Checkpoint.from_dict(json.loads(data))))
            except (OSError, ValueError, RecursionError) as exc:
                bad.append(Finding(f"检查点文件 {full[cut:]}", f"无法读取（{exc}）：文件被改动或损坏"))
    return found, bad


def local_time(cp: Checkpoint) -> str:
    try:
        return local(datetime.fromisoformat(cp.at.removesuffix("Z"))).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return cp.at


def check(ctx: AppContext, conn, head_seq: int, elsewhere: Path | None = None) -> AnchorCheck:
    """Check the chain (already whole in itself, ``head_seq`` entries) against every checkpoint in the
    evidence store's folder and, when given, a copy kept elsewhere."""
    result = AnchorCheck()
    with ctx.db.read() as s:
        keys = registered_keys(s)
        current = _current_key(s, _workstation(ctx))
    roots = [folder(ctx)] + ([Path(elsewhere)] if elsewhere is not None else [])
    files: dict[str, _File] = {}
    for root in roots:
        found, bad = load(root)
        result.problems.extend(bad)
        if root is not roots[0] and not found and not bad:
            result.problems.append(Finding(f"检查点文件夹 {root}", "其中没有检查点文件"))
        files.update((f.sha256, f) for f in found)      # the same file in both places counts once
    valid, gone = _authentic(files, keys, result.problems)
    result.problems.extend(gone)
    if keys and not valid and not result.problems and head_seq > 0:
        result.problems.append(Finding("检查点", f"数据库登记了 {len(keys)} 个签名密钥，但没有找到任何检查点文件"
                                                 "（被删除）；请用 --anchors 指向另存的副本核对"))
    checkpoints = list(valid.values())
    result.checked = len(checkpoints)
    if checkpoints:
        result.newest = max(checkpoints, key=lambda c: c.seq)
        broken = first_break(checkpoints, head_seq, _hashes_at(conn, {c.seq for c in checkpoints if c.seq <= head_seq}))
        if broken:
            result.problems.insert(0, _finding(broken))
    result.key = current
    if not keys and head_seq > 0:
        result.warnings.append("本数据库还没有签名检查点：审计链只能发现不懂设计的改动。"
                               "下一次保存数据，或运行 jlclient verify --checkpoint，即开始写入检查点。")
    if current is not None and _private(current.key_id) is None:
        result.warnings.append(KeyState(current, True).text())
    return result


def _authentic(files: dict[str, _File], keys: dict[str, PublicKey],
               problems: list[Finding]) -> tuple[dict[str, Checkpoint], list[Finding]]:
    """The checkpoints whose files are genuine. A signature is checked only where no genuine later
    file of the same key names this one as its predecessor: the newest of each chain, and any file a
    broken link left alone (an Ed25519 check costs ~100 µs; following a link, one SHA-256)."""
    named = {f.cp.prev for f in files.values() if f.cp.prev}
    order = sorted(files.values(), key=lambda f: (f.sha256 in named, f.cp.at))
    valid: dict[str, Checkpoint] = {}
    gone: list[Finding] = []
    for f in order:
        if f.sha256 in valid:
            continue
        key = keys.get(f.cp.key_id)
        if key is None:
            problems.append(Finding(f"检查点文件 {f.relative}", f"签名密钥 {f.cp.key_id} 未在数据库中登记：密钥的登记记录被删除，"
                                             "或此检查点是伪造的"))
            continue
        if not key.signature_ok(f.cp):
            problems.append(Finding(f"检查点文件 {f.relative}", "签名无效：检查点文件被改动或伪造"))
            continue
        valid[f.sha256] = f.cp
        link = f
        while link.cp.prev and link.cp.prev not in valid:
            before = files.get(link.cp.prev)
            if before is None or before.cp.key_id != link.cp.key_id:
                gone.append(Finding(f"检查点文件 {link.relative}", "它之前的一个检查点文件已不在（被删除或改动）"))
                break
            valid[before.sha256] = before.cp
            link = before
    return valid, gone


def _finding(broken: Break) -> Finding:
    return Finding(broken.checkpoint.name(local_time(broken.checkpoint)), broken.what)


def _hashes_at(conn, seqs: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    ordered = sorted(seqs)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i:i + 500]
        rows = conn.execute(text(f"SELECT seq, entry_hash FROM audit_entry WHERE seq IN "
                                 f"({', '.join(str(int(n)) for n in chunk)})"))
        found.update((seq, digest) for seq, digest in rows)
    return found
