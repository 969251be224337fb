"""The case list with 100,000 cases (issue 2): first paint, one filter keystroke, a sort by header click.

A JL_HOME is made with ``jlclient init --demo``; then 100,000 cases with realistic numbers, titles,
parties and search_text (built by jlclient.services.cases.search_text, as add_case does) are
bulk-inserted into case_file with SQLAlchemy Core. They are not audited (not needed here).

Everything is measured on the real CasesPage (the widget MainWindow shows), offscreen, until the
table's viewport has handled its Paint event:
  * first paint: CasesPage(ctx) built, shown, painted; goal <= 200 ms;
  * filter keystroke: the filter box's text changes (-> CaseTableModel.set_filter, the requery, the
    page selecting and showing row 0) until the table has repainted; goal <= 50 ms, for one- and
    two-character filters, common and rare terms;
  * sort: a click on a column header until the table has repainted.
"""
from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchlib import (demo_home, goal_text, info, line, median, quiet_qt_warnings,  # noqa: E402
                       wait_until_painted)

N_CASES = 100_000
FIRST_PAINT_RUNS = 5
KEYSTROKE_ROUNDS = 3
GOAL_FIRST_PAINT_MS = 200
GOAL_KEYSTROKE_MS = 50
# (first keystroke, second keystroke): common and rare terms, and one that matches nothing
FILTER_TERMS = (("灵", "灵寿"), ("有", "有限"), ("食", "食品"), ("2", "20"), ("诸", "诸葛"), ("x", "xq"))

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红兰建国志华文斌海燕鹏辉玲雪梅琳晨浩宇欣怡子涵博文思远嘉怡俊杰"
RARE_SURNAME = "诸葛"  # about one row in 2,000 persons: the rare filter term
PLACES = ("灵寿县", "灵寿县城关镇", "灵寿县慈峪镇", "灵寿县青同镇", "灵寿县塔上镇", "灵寿县陈庄镇", "灵寿县南寨乡",
          "石家庄市", "正定县", "行唐县", "平山县")
FIRM_WORDS = ("味美", "顺发", "恒泰", "通达", "福源", "兴旺", "金鼎", "华联", "永安", "康健", "鑫源", "宏达", "万家",
              "聚丰", "瑞祥", "盛世", "百草", "绿源", "安康", "诚信")
FIRM_KINDS = ("餐饮", "超市", "建筑工程", "运输", "药房", "食品", "商贸", "农业科技", "物流", "汽车维修", "文化传媒", "医疗器械")
FIRM_FORMS = ("有限公司", "有限责任公司", "股份有限公司", "个体工商户", "合作社")
UNITS = ("审批服务科", "综合执法科", "市场监管执法队", "卫生监督所", "交通运输执法队")


def _matters():
    from jlclient.domain.model import Procedure as P
    return {
        P.PERMIT: ("食品经营许可", "药品零售许可", "建筑工程施工许可", "公共场所卫生许可", "道路运输经营许可",
                   "排水许可", "户外广告设置许可", "烟草专卖零售许可", "娱乐场所经营许可"),
        P.PENALTY: ("未按许可条件从事经营活动", "销售过期食品", "无证经营", "违规占道经营", "超限运输",
                    "违法建设", "未按规定公示价格", "虚假宣传"),
        P.INSPECTION: ("食品安全日常检查", "消防安全检查", "安全生产检查", "价格监督检查", "特种设备检查"),
        P.COERCION: ("查封经营场所", "扣押涉案物品", "强制拆除违法建筑", "冻结存款"),
        P.CONFIRMATION: ("土地承包经营权确认", "工伤认定", "残疾等级确认"),
        P.BENEFIT: ("最低生活保障金给付", "特困人员救助供养", "临时救助金给付", "抚恤金给付"),
    }


def make_cases(short_name: str, n: int, seed: int = 2) -> list[dict]:
    """``n`` case_file rows in opening order, numbered per kind and year like next_number() does."""
    from jlclient.domain.model import START_MODES, CaseStatus, Procedure, StartMode, stages_for
    from jlclient.services.cases import search_text

    # 文书编号 kind character per procedure, as jlclient.services.cases.next_number() writes it
    kind = {Procedure.PERMIT: "许", Procedure.PENALTY: "罚", Procedure.INSPECTION: "检",
            Procedure.COERCION: "强", Procedure.CONFIRMATION: "确", Procedure.BENEFIT: "给"}

    rnd = random.Random(seed)
    matters = _matters()
    procedures = list(Procedure)
    weights = [45, 20, 20, 3, 7, 5]
    start, span = datetime(2020, 1, 1, 8, 0), timedelta(days=6 * 365).total_seconds()
    opened = sorted(start + timedelta(seconds=rnd.random() * span) for _ in range(n))
    used: dict[tuple, int] = {}
    rows = []
    for at in opened:
        procedure = rnd.choices(procedures, weights)[0]
        mode = rnd.choice(sorted(START_MODES[procedure]))
        matter = rnd.choice(matters[procedure])
        if rnd.random() < 0.5:
            surname = RARE_SURNAME if rnd.random() < 0.0005 else rnd.choice(SURNAMES)
            party = surname + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
        else:
            party = rnd.choice(PLACES) + rnd.choice(FIRM_WORDS) + rnd.choice(FIRM_KINDS) + rnd.choice(FIRM_FORMS)
        key = (procedure, at.year)
        used[key] = used.get(key, 0) + 1
        number = f"{short_name}{kind[procedure]}〔{at.year}〕{used[key]}号"
        title = f"{party}{matter}案" if procedure is not Procedure.PERMIT else f"{party}申请{matter}"
        order = stages_for(procedure, mode)
        # older cases are further along; most cases older than a year are closed
        age = (opened[-1] - at).days
        stage = order[-1] if age > 365 and rnd.random() < 0.9 else rnd.choice(order)
        closed = stage is order[-1] and rnd.random() < 0.8
        rows.append(dict(number=number, title=title, procedure=procedure.value, start_mode=mode.value,
                         matter=matter, stage=stage.value,
                         status=(CaseStatus.CLOSED if closed else CaseStatus.OPEN).value,
                         handling_unit=UNITS[0] if mode is StartMode.ON_APPLICATION else rnd.choice(UNITS[1:]),
                         party_name=party, opened_at=at, closed_at=at + timedelta(days=30) if closed else None,
                         created_by="user:officer", search_text=search_text(number, title, matter, party), version=1))
    return rows


def populate(ctx, n: int) -> float:
    from sqlalchemy import func, insert, select

    from jlclient.store.models import Agency, Case

    start = time.perf_counter()
    with ctx.db.read() as s:
        short_name = s.scalar(select(Agency.short_name))
    rows = make_cases(short_name, n)
    with ctx.db.writer.begin() as conn:
        conn.execute(insert(Case.__table__), rows)
    with ctx.db.read() as s:
        assert s.scalar(select(func.count(Case.id))) >= n
    return time.perf_counter() - start


class Timer:
    """Wraps a callable and adds up the time spent in it."""

    def __init__(self, fn):
        self.fn, self.total, self.calls = fn, 0.0, 0

    def __call__(self, *args, **kwargs):
        t = time.perf_counter()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.total += time.perf_counter() - t
            self.calls += 1

    def take(self) -> float:
        total, self.total = self.total, 0.0
        return total * 1000


def warm_up_qt(app) -> None:
    """Paint a throwaway table with Chinese text first, as the login dialog and main window would have:
    fonts, style and the offscreen backing store are then set up and not charged to the case list."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    model = QStandardItemModel(30, 8)
    for r in range(30):
        for c in range(8):
            model.setItem(r, c, QStandardItem(f"灵寿县行政审批局 {r}-{c}"))
    view = QTableView()
    view.setModel(model)
    view.resize(1200, 700)
    view.show()
    wait_until_painted(app, view.viewport())
    view.close()
    view.deleteLater()
    app.processEvents()


def page_factory(ctx, pages_class):
    """``CasesPage(ctx)``, or ``CasesPage(ctx, user)`` with a demo officer logged in through the real service
    when the page wants to know who is looking (as MainWindow passes it)."""
    import inspect

    if "user" not in inspect.signature(pages_class).parameters:
        return lambda: pages_class(ctx)
    from jlclient.services import auth
    from jlclient.services.setup import DEMO_PASSWORD

    user = auth.login(ctx, "officer", DEMO_PASSWORD)
    return lambda: pages_class(ctx, user)


def summary(values: list[float]) -> str:
    return f"median {median(values):.1f}, worst {max(values):.1f}"


def main() -> int:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    with demo_home("jlbench-cases-") as (tmp, home, init_s):
        from jlclient.services import cases as cases_service
        from jlclient.services.context import AppContext
        from jlclient.ui import case_model, cases_page
        from jlclient.ui.cases_page import CasesPage

        ctx = AppContext.open()
        try:
            populate_s = populate(ctx, N_CASES)
            db_mb = (home / "jlclient.db").stat().st_size / 1e6
            quiet_qt_warnings()
            app = QApplication.instance() or QApplication([])
            warm_up_qt(app)

            # the case view beside the list: CasesPage shows row 0's detail after every requery
            detail = Timer(cases_service.case_detail)
            cases_service.case_detail = detail  # CasesPage calls cases.case_detail(...)
            deadlines = None
            if hasattr(cases_page, "case_deadlines"):
                deadlines = Timer(cases_page.case_deadlines)
                cases_page.case_deadlines = deadlines

            new_page = page_factory(ctx, CasesPage)

            # (a) first paint ------------------------------------------------------------
            first_paint, build = [], []
            for _ in range(FIRST_PAINT_RUNS):
                t0 = time.perf_counter()
                page = new_page()
                t1 = time.perf_counter()
                page.resize(1280, 760)
                page.show()
                if not wait_until_painted(app, page.table.viewport()):
                    raise RuntimeError("the case table never painted")
                t2 = time.perf_counter()
                assert page.model.rowCount() == case_model.PAGE, page.model.rowCount()
                first_paint.append((t2 - t0) * 1000)
                build.append((t1 - t0) * 1000)
                page.close()
                page.deleteLater()
                app.processEvents()
            fp = median(first_paint)
            line("case_list.first_paint_ms", fp,
                 f"{N_CASES:,} cases, median of {FIRST_PAINT_RUNS}, first in process {first_paint[0]:.1f}, "
                 f"worst {max(first_paint):.1f}, {goal_text(fp, GOAL_FIRST_PAINT_MS, at_most=True, unit='ms')}")
            info(f"of which CasesPage() incl. first page query {median(build):.1f} ms, show + paint incl. "
                 f"row 0 detail {fp - median(build):.1f} ms")

            # (b) filter keystrokes --------------------------------------------------------
            from PySide6.QtCore import QThreadPool
            QThreadPool.globalInstance().waitForDone()  # the pages above loaded their search index
            page = new_page()
            page.resize(1280, 760)
            page.show()
            t_shown = time.perf_counter()
            wait_until_painted(app, page.table.viewport())
            index = getattr(getattr(page, "fetch", None), "index", None)
            if index is not None:  # steady state: the page loads its search index in the background
                QThreadPool.globalInstance().waitForDone()
                info(f"search index of {N_CASES:,} cases loaded in the background "
                     f"{(time.perf_counter() - t_shown) * 1000:.0f} ms after the page was shown; "
                     "a keystroke before that takes the SQL path")
            fetch = Timer(page.model._fetch)
            page.model._fetch = fetch  # to split the keystroke into SQL and the rest

            def detail_ms() -> float:
                return detail.take() + (deadlines.take() if deadlines else 0.0)

            def keystroke(text: str) -> tuple[float, float, float, int]:
                fetch.take(), detail_ms()
                t0 = time.perf_counter()
                page.filter.setText(text)  # what typing does: textChanged -> model.set_filter
                if not wait_until_painted(app, page.table.viewport()):
                    raise RuntimeError(f"the case table never repainted after filter {text!r}")
                ms = (time.perf_counter() - t0) * 1000
                return ms, fetch.take(), detail_ms(), page.model.rowCount()

            samples: dict[int, list[float]] = {1: [], 2: []}
            per_term: dict[str, tuple[list[float], list[float], list[float], int]] = {}
            for _ in range(KEYSTROKE_ROUNDS):
                for pair in FILTER_TERMS:
                    for text in pair:
                        ms, sql_ms, row0_ms, rows = keystroke(text)
                        samples[len(text)].append(ms)
                        total, sql, row0, _rows = per_term.setdefault(text, ([], [], [], rows))
                        total.append(ms), sql.append(sql_ms), row0.append(row0_ms)
                    keystroke("")  # clear the box (not counted)
            for n_chars in (1, 2):
                values = samples[n_chars]
                slowest = max((median(v), t) for t, (v, *_rest) in per_term.items() if len(t) == n_chars)
                line(f"case_list.filter_{n_chars}char_ms", median(values),
                     f"{summary(values)} over {len(FILTER_TERMS)} terms x {KEYSTROKE_ROUNDS}; slowest term "
                     f"{slowest[1]!r} {slowest[0]:.1f} (median), "
                     f"{goal_text(slowest[0], GOAL_KEYSTROKE_MS, at_most=True, unit='ms for every term')}")
            info("per term, median ms total / list query / row 0 detail (rows listed, max 200): " + "; ".join(
                f"{t!r} {median(v):.0f}/{median(s):.0f}/{median(d):.0f} ({r})" for t, (v, s, d, r) in per_term.items()))

            # sort by a header click ---------------------------------------------------------
            header = page.table.horizontalHeader()
            sorts: dict[str, list[float]] = {}
            for _ in range(2):
                for col in (case_model.COL_NUMBER, case_model.COL_TITLE, case_model.COL_PARTY,
                            case_model.COL_PROCEDURE, case_model.COL_OPENED):
                    before = page.model.query
                    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
                    t0 = time.perf_counter()
                    QTest.mouseClick(header.viewport(), Qt.LeftButton, Qt.NoModifier, QPoint(x, header.height() // 2))
                    if not wait_until_painted(app, page.table.viewport()):
                        raise RuntimeError(f"the case table never repainted after sorting column {col}")
                    ms = (time.perf_counter() - t0) * 1000
                    q = page.model.query
                    assert q != before and q.sort == case_model.COLUMNS[col][0], (before, q)
                    sorts.setdefault(f"{q.sort} {'desc' if q.descending else 'asc'}", []).append(ms)
            all_sorts = [v for values in sorts.values() for v in values]
            line("case_list.sort_click_ms", median(all_sorts),
                 f"{summary(all_sorts)} over {len(all_sorts)} header clicks on 5 columns, no filter")
            info("per column, ms: " + "; ".join(f"{k} {', '.join(f'{v:.0f}' for v in values)}"
                                              for k, values in sorts.items()))
            info(f"setup: jlclient init --demo {init_s:.1f} s, {N_CASES:,} cases inserted in {populate_s:.1f} s, "
                 f"database {db_mb:.0f} MB")
            page.close()
            page.deleteLater()
            app.processEvents()
        finally:
            ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
