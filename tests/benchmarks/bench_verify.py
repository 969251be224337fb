"""`verify` throughput over 1,000,000 audit entries (issue 2; goal >= 200,000 entries/s).

A JL_HOME is made with ``jlclient init --demo`` (a real chain of a few hundred entries over real rows);
the chain is then extended to 1,000,000 entries computed with jlclient.domain.audit.entry_hash and
bulk-inserted into audit_entry, and chain_head is set to the last (seq, hash). The added entries name
entity_type "bench", which is no audited table, so the row checks pass; verify must report ok=True
(anything else is a crash, not a figure).

Figures:
  * verify.entries_per_s: jlclient.services.verify.verify(ctx) on SQLite, end to end;
  * verify.db_read_entries_per_s: only reading the entries the way verify does (SQLAlchemy stream);
  * verify.check_chain_entries_per_s: only check_chain on tuples already in memory (hashing and links).
  * verify.checkpoint_overhead_pct (issue 15; goal <= 2 %): the share of verify's time spent on signed
    checkpoints (one per 1,000 entries: reading the files, checking their Ed25519 signatures, looking up
    the entries they name), measured as anchors.check beside the whole verify;
  * state_change.checkpoint_ms (goal <= 1 ms): what the after-commit hook adds to a state change — its
    fast path on every change, plus writing one checkpoint spread over the changes of one interval
    (counted as if a change came every second, the busiest a hall gets), and an audited setting change
    end to end with the hook and without it.
"""
from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchlib import demo_home, goal_text, info, line, median  # noqa: E402

# the checkpoint key lives in this process's keyring: a memory one, so the bench leaves no key behind
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.support.memory_keyring.MemoryKeyring"

N_ENTRIES = 1_000_000
RUNS = 3
GOAL_PER_S = 200_000
CHECKPOINT_EVERY = 1_000
GOAL_CHECKPOINT_PCT = 2.0
GOAL_CHANGE_MS = 1.0
CHUNK = 50_000
ACTORS = ("user:officer", "user:officer2", "user:clerk", "user:reviewer", "user:approver", "cli:jl")
ACTIONS = ("case.open", "case.party", "case.officer", "case.stage", "case.advance", "record.add", "record.revise",
           "record.attach", "av.ingest", "user.login")
DETAILS = ("{}", "{}", "{}", '{"from":"INVESTIGATION","to":"DECISION"}', '{"workstation":"jl-pc-07"}')
COLUMNS = ("seq", "ts", "actor", "action", "entity_type", "entity_id", "subject_hash", "detail", "prev_hash",
           "entry_hash")


def entry_sql():
    """The query verify() reads the chain with (its own text if it still has one, else the equivalent)."""
    from sqlalchemy import text

    from jlclient.services import verify
    sql = getattr(verify, "_ENTRY_SQL", None)
    return sql if sql is not None else text(f"SELECT {', '.join(COLUMNS)} FROM audit_entry ORDER BY seq")


def extend_chain(ctx, total: int) -> tuple[int, float, float]:
    """Append entries until the chain holds ``total``; returns (entries added, hash seconds, insert seconds)."""
    from datetime import datetime, timedelta

    from sqlalchemy import select, update

    from jlclient.domain.audit import entry_hash
    from jlclient.store.models import ChainHead

    with ctx.db.read() as s:
        seq, prev = s.execute(select(ChainHead.seq, ChainHead.hash).where(ChainHead.id == 1)).one()
    first = seq + 1
    subjects = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(4096)]
    base = datetime(2026, 1, 5, 8, 30)
    sql = f"INSERT INTO audit_entry ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    hash_s = insert_s = 0.0
    with ctx.db.writer.begin() as conn:
        for start in range(first, total + 1, CHUNK):
            t0 = time.perf_counter()
            rows = []
            for n in range(start, min(start + CHUNK, total + 1)):
                ts = (base + timedelta(microseconds=n * 37_001)).isoformat(timespec="microseconds")
                fields = (n, ts, ACTORS[n % 6], ACTIONS[n % 10], "bench", str(n % 250_000), subjects[n % 4096],
                          DETAILS[n % 5], prev)
                prev = entry_hash(*fields)
                rows.append(fields + (prev,))
            t1 = time.perf_counter()
            conn.exec_driver_sql(sql, rows)
            insert_s += time.perf_counter() - t1
            hash_s += t1 - t0
        conn.execute(update(ChainHead).where(ChainHead.id == 1).values(seq=total, hash=prev))
    return total - first + 1, hash_s, insert_s


def time_verify(ctx) -> tuple[float, object]:
    from jlclient.services.verify import verify

    t0 = time.perf_counter()
    report = verify(ctx)
    seconds = time.perf_counter() - t0
    if not report.ok or report.entries != N_ENTRIES:
        raise AssertionError(f"verify on generated data: ok={report.ok} entries={report.entries} "
                             f"problem={report.problem}")
    return seconds, report


def time_db_read(ctx) -> float:
    """Read every entry exactly as verify() does, without checking anything."""
    sql = entry_sql()
    t0 = time.perf_counter()
    n = 0
    with ctx.db.reader.connect() as conn:
        rows = conn.execution_options(stream_results=True, yield_per=20000).execute(sql)
        try:
            for _row in rows:
                n += 1
        finally:
            rows.close()
    assert n == N_ENTRIES, n
    return time.perf_counter() - t0


def time_raw_read(ctx) -> float:
    """Iterate the same rows straight from the sqlite3 cursor: the floor for reading them in Python."""
    sql = str(entry_sql())
    t0 = time.perf_counter()
    raw = ctx.db.reader.raw_connection()
    try:
        n = sum(1 for _row in raw.cursor().execute(sql))
    finally:
        raw.close()
    assert n == N_ENTRIES, n
    return time.perf_counter() - t0


def load_tuples(ctx) -> tuple[list[tuple], tuple[int, str]]:
    """All entries as plain tuples in memory, and the chain head."""
    raw = ctx.db.reader.raw_connection()
    try:
        rows = raw.cursor().execute(str(entry_sql())).fetchall()
        head = tuple(raw.cursor().execute("SELECT seq, hash FROM chain_head WHERE id = 1").fetchone())
    finally:
        raw.close()
    return rows, head


def write_checkpoints(ctx) -> int:
    """One signed checkpoint per CHECKPOINT_EVERY entries, written as a workstation writes them."""
    from sqlalchemy import text

    from jlclient.domain.anchors import INTERVAL
    from jlclient.services import anchors

    key = anchors.create_key(ctx, "cli:bench")          # this process's key (init ran in another process)
    with ctx.db.reader.connect() as conn:
        rows = conn.execute(text(f"SELECT seq, entry_hash FROM audit_entry WHERE seq % {CHECKPOINT_EVERY} = 0"))
        heads = [tuple(r) for r in rows]
    for head in heads:
        anchors._write(ctx, key, head, INTERVAL)
    return len(heads)


def checkpoint_figures(ctx) -> None:
    from jlclient.services import anchors, settings
    from jlclient.services.verify import verify
    from jlclient.store import audit

    count = write_checkpoints(ctx)
    totals, checks = [], []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        report = verify(ctx)
        totals.append(time.perf_counter() - t0)
        assert report.ok and report.checkpoints >= count, (report.problem, report.checkpoints)
        with ctx.db.reader.connect() as conn:
            t0 = time.perf_counter()
            anchors.check(ctx, conn, report.entries)
            checks.append(time.perf_counter() - t0)
    pct = 100.0 * median(checks) / median(totals)
    line("verify.checkpoint_overhead_pct", pct,
         f"{report.checkpoints:,} checkpoints checked in {median(checks):.3f} s of verify's {median(totals):.2f} s "
         f"({N_ENTRIES / median(totals):,.0f} entries/s with them), "
         f"{goal_text(pct, GOAL_CHECKPOINT_PCT, at_most=True, unit='%')}", digits=2)

    # the hook's fast path, as every committed state change meets it
    class _Committed:
        bind = ctx.db.writer
        info: dict = {}
    watch = anchors._watch_of(ctx)
    watch.due = watch.midnight = float("inf")
    session, n = _Committed(), 200_000
    t0 = time.perf_counter()
    for _ in range(n):
        session.info[audit.HEAD_INFO] = session.info[audit.BEFORE_INFO] = (1, "")
        anchors._after_commit(session)
    fast_ms = (time.perf_counter() - t0) / n * 1000
    # writing one checkpoint (the slow path), once per interval
    writes = []
    for _ in range(20):
        t0 = time.perf_counter()
        anchors.checkpoint_now(ctx)
        writes.append(time.perf_counter() - t0)
    write_ms = median(writes) * 1000
    per_change = fast_ms + write_ms / (anchors.DEFAULT_MINUTES * 60)
    # an audited state change end to end, with the hook and without it
    def changes(k: int = 200) -> float:
        t0 = time.perf_counter()
        for i in range(k):
            settings.put(ctx, "cli:bench", "idle_lock_minutes", str(10 + i % 2))
        return (time.perf_counter() - t0) / k * 1000
    watch.due = watch.midnight = float("inf")
    with_hook = median([changes() for _ in range(RUNS)])
    kept = anchors._WATCHES.pop(ctx.db.writer)
    without = median([changes() for _ in range(RUNS)])
    anchors._WATCHES[ctx.db.writer] = kept
    line("state_change.checkpoint_ms", per_change,
         f"hook fast path {fast_ms * 1000:.2f} µs per change; one checkpoint written in {write_ms:.2f} ms, once per "
         f"{anchors.DEFAULT_MINUTES} min; an audited setting change {with_hook:.2f} ms with the hook, "
         f"{without:.2f} ms without; {goal_text(per_change, GOAL_CHANGE_MS, at_most=True, unit='ms')}", digits=4)


def main() -> int:
    with demo_home("jlbench-verify-") as (tmp, home, init_s):
        from jlclient.domain.audit import check_chain
        from jlclient.services import verify as verify_module
        from jlclient.services.context import AppContext

        latest = getattr(verify_module, "_Latest", None)  # how verify() collects each row's newest subject hash

        ctx = AppContext.open()
        try:
            added, hash_s, insert_s = extend_chain(ctx, N_ENTRIES)
            db_mb = (home / "jlclient.db").stat().st_size / 1e6

            runs = [time_verify(ctx) for _ in range(RUNS)]
            seconds = median([s for s, _ in runs])
            report = runs[0][1]
            rate = N_ENTRIES / seconds
            line("verify.entries_per_s", rate,
                 f"{N_ENTRIES:,} entries on SQLite in {seconds:.2f} s (median of {RUNS}), ok={report.ok}, "
                 f"{report.records} rows, {report.files} files, "
                 f"{goal_text(rate, GOAL_PER_S, at_most=False, unit='entries/s')}", digits=0)

            read_s = median([time_db_read(ctx) for _ in range(RUNS)])
            line("verify.db_read_entries_per_s", N_ENTRIES / read_s,
                 f"reading the entries as verify does (SQLAlchemy stream, yield_per 20000), {read_s:.2f} s", digits=0)

            raw_s = median([time_raw_read(ctx) for _ in range(RUNS)])
            rows, head = load_tuples(ctx)
            assert len(rows) == N_ENTRIES
            chain_s, watch_s = [], []
            for _ in range(RUNS):
                t0 = time.perf_counter()
                count, problem = check_chain(rows, head)
                chain_s.append(time.perf_counter() - t0)
                assert count == N_ENTRIES and problem is None, (count, problem)
                if latest is not None:
                    t0 = time.perf_counter()
                    count, problem = check_chain(latest().watch(rows), head)
                    watch_s.append(time.perf_counter() - t0)
                    assert count == N_ENTRIES and problem is None, (count, problem)
            watch_s = watch_s or chain_s
            line("verify.check_chain_entries_per_s", N_ENTRIES / median(chain_s),
                 f"check_chain on in-memory tuples, {median(chain_s):.2f} s; "
                 f"with verify's subject collection {N_ENTRIES / median(watch_s):,.0f}/s", digits=0)
            info(f"where verify's {seconds:.2f} s go (approx.): reading rows {read_s:.2f} s (a bare sqlite3 cursor "
                 f"takes {raw_s:.2f} s, SQLAlchemy rows add {read_s - raw_s:.2f} s), check_chain {median(chain_s):.2f} s, "
                 f"subject collection {median(watch_s) - median(chain_s):.2f} s")
            info(f"setup: jlclient init --demo {init_s:.1f} s; {added:,} entries hashed in {hash_s:.1f} s, "
                 f"inserted in {insert_s:.1f} s; database {db_mb:.0f} MB")
            checkpoint_figures(ctx)
        finally:
            ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
