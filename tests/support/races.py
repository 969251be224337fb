"""Two workstations at once: the same service call from two processes, round after round.

Each child opens its own context on the test's database (SQLite file or PostgreSQL), then for every
round waits at a barrier shared with the other child and makes its call, so both reach the database
together. What happened is sent back per round: ("ok", result), ("refused", message) for a
ServiceError, or ("crash", traceback) for anything else — which a test must never see.
"""
from __future__ import annotations

import multiprocessing
import traceback
from pathlib import Path

from jlclient.config import Paths
from jlclient.domain.av_access import AvClass, RestrictedReason
from jlclient.domain.model import Procedure, Role, StartMode
from jlclient.services import av_access, cases, exchange, footage
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.footage import Classification
from tests.support.case_builder import COMPANY

# actors made up for the race: the services take who acts as a value (no login needed for that)
ADMIN = CurrentUser(9001, "desk1", "窗口一", frozenset({Role.ADMIN}), None)
APPROVER = CurrentUser(9002, "desk2", "负责人", frozenset({Role.APPROVER}), None)
EVERYONE = CurrentUser(9003, "desk3", "窗口三", frozenset(Role), None)   # every stage's roles
FULL = Classification("现场检查录像", "灵寿县味美餐饮有限公司", "未按许可条件从事经营活动")


def _link(ctx: AppContext, av_id: int):
    return footage.link_session(ctx, ADMIN, [av_id], case_id=None, stage=None, classification=FULL,
                                party_informed=True)


def _classify(ctx: AppContext, av_id: int):
    return av_access.classify(ctx, APPROVER, av_id, AvClass.RESTRICTED, next(iter(RestrictedReason)))


def _open_case(ctx: AppContext, _arg):
    new = cases.NewCase(Procedure.PERMIT, StartMode.ON_APPLICATION, "食品经营许可", COMPANY, "综合执法科")
    return cases.open_case(ctx, "user:desk", new).number


def _import(ctx: AppContext, document: dict):
    return exchange.import_case(ctx, "user:desk", document).number


def _advance(ctx: AppContext, case_and_version: tuple[int, int]):
    case_id, version = case_and_version
    return cases.advance_case(ctx, EVERYONE, case_id, version, reason="两个窗口同时推进").label


CALLS = {"advance": _advance, "link": _link, "classify": _classify, "open_case": _open_case, "import": _import}


def _child(which: int, call: str, home: str, url: str, evidence: str, args: list, barrier, results) -> None:
    ctx = AppContext.open(Paths(Path(home), url, Path(evidence)), migrate_schema=False)
    out = []
    try:
        for arg in args:
            barrier.wait(timeout=120)
            try:
                out.append(("ok", CALLS[call](ctx, arg)))
            except ServiceError as exc:
                out.append(("refused", str(exc)))
            except Exception:   # noqa: BLE001 — reported to the test, which fails on it
                out.append(("crash", traceback.format_exc()))
    finally:
        ctx.close()
        results.put((which, out))


def race(ctx: AppContext, first: tuple[str, list], second: tuple[str, list]) -> list[tuple[tuple, tuple]]:
    """Run ``first`` = (call, one argument per round) in one process and ``second`` in another,
    round by round; returns per round the pair of outcomes (first's, second's)."""
    assert len(first[1]) == len(second[1])
    mp = multiprocessing.get_context("spawn")   # a fresh interpreter, like a second workstation
    barrier, results = mp.Barrier(2), mp.Queue()
    paths = ctx.paths
    procs = [mp.Process(target=_child, args=(i, call, str(paths.home), paths.database_url, str(paths.evidence),
                                             args, barrier, results))
             for i, (call, args) in enumerate((first, second))]
    for p in procs:
        p.start()
    outcomes = dict(results.get(timeout=600) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    return list(zip(outcomes[0], outcomes[1]))
