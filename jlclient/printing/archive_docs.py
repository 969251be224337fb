"""The papers that bind a closed case into an archive volume (domain.md §8): the case-file cover
(案卷封面), the file index (卷内文件目录) and the remarks sheet (卷内备考表). Pure rendering: the
service layer gathers the values into the frozen dataclasses below. None of the three carries page
numbers or seam marks — the volume's own page numbers start on the first bound document."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from jlclient.printing import page
from jlclient.printing.fonts import song
from jlclient.printing.render import TEXT_WIDTH, chinese_date, para

RETENTION_PERIODS = ("永久", "30年", "10年")   # common practice; the agency may configure others
BLANK_DATE = "　　　　年　　月　　日"
PAD = 4                                           # cell padding, points


def _style(name: str, size: float, leading: float | None = None, align: int = TA_LEFT) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=song(), fontSize=size, leading=leading or size * 1.35,
                          alignment=align, wordWrap="CJK")


def fit_paragraph(text: str, style: ParagraphStyle, width: float, height: float,
                  min_size: float = 7) -> Paragraph:
    """``text`` as a paragraph no wider than ``width`` and, shrinking the font in half points from the
    style's size down to ``min_size``, no taller than ``height`` (points). The style should wrap CJK
    (wordWrap="CJK") so a long name breaks between any two characters. Text is never cut: when it does
    not fit even at ``min_size``, that size is returned and the caller's box must grow."""
    ratio = style.leading / style.fontSize
    size = float(style.fontSize)
    while True:
        shrunk = ParagraphStyle(f"{style.name}@{size}", parent=style, fontSize=size, leading=size * ratio)
        fitted = para(text, shrunk)
        _, needed = fitted.wrap(width, height)
        if (needed <= height and not _overflows(fitted)) or size - 0.5 < min_size:
            return fitted
        size -= 0.5


def _overflows(paragraph: Paragraph) -> bool:
    """Whether a wrapped paragraph has a line wider than its width (an unbreakable word)."""
    lines = paragraph.blPara.lines
    return any((line.extraSpace if hasattr(line, "extraSpace") else line[0]) < -0.01 for line in lines)


def _date(value: date | datetime | str | None) -> str:
    return chinese_date(value) if value else BLANK_DATE


def _ymd(value: date | datetime | str | None) -> str:
    """YYYYMMDD as the file index writes dates."""
    if not value:
        return ""
    if isinstance(value, str):
        if len(value) == 8 and value.isdigit():
            return value
        value = date.fromisoformat(value[:10])
    return f"{value:%Y%m%d}"


# ---------------------------------------------------------------------------------------------- cover

def case_title(party: str, act: str) -> str:
    """案卷题名: party + act + 案."""
    act = act.strip()
    return f"{party.strip()}{act}" + ("" if act.endswith("案") else "案")


@dataclass(frozen=True)
class CoverData:
    """What the case-file cover (案卷封面) shows."""
    fonds_name: str                     # 全宗名称: the agency whose records these are
    category: str                       # 类别, e.g. 行政处罚
    party: str                          # the case title is party + act + 案
    act: str
    decision_number: str                # 决定书文号; "" when the case has none (printed as such)
    handling_unit: str                  # 承办单位
    opened: date | str                  # 立案日期
    closed: date | str                  # 结案日期
    retention: str                      # 保管期限: 永久 / 30年 / 10年
    items: int                          # 件数
    pages: int                          # 页数
    archive_year: int                   # 归档号: year + 4-digit sequence in closing order
    archive_seq: int
    fonds_no: str = ""                  # 全宗号
    catalogue_no: str = ""              # 目录号
    file_no: str = ""                   # 案卷号
    filer: str = ""                     # 立卷人
    filed_on: date | str | None = None  # 立卷日期
    heading: str = "行政执法案卷"
    outcome: str = ""                   # 处理结果: how the case ended

    @property
    def case_title(self) -> str:
        return case_title(self.party, self.act)

    @property
    def archive_number(self) -> str:
        return f"{self.archive_year}-{self.archive_seq:04d}"


def _boxes(cells: list[tuple[str, str]], widths: list[float]) -> Table:
    """Labels over values, each value in its own box (the top-right archive numbers)."""
    label, value = _style("box-label", 9, align=TA_CENTER), _style("box-value", 12, align=TA_CENTER)
    value_h = 9 * mm
    row0 = [para(lbl, label) for lbl, _ in cells]
    row1 = [fit_paragraph(v, value, w - 2 * 2, value_h - 2 * 2, min_size=6) for (_, v), w in zip(cells, widths)]
    table = Table([row0, row1], colWidths=widths, rowHeights=[6 * mm, value_h], hAlign="RIGHT")
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.8, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               *[(k, (0, 0), (-1, -1), 2) for k in ("LEFTPADDING", "RIGHTPADDING",
                                                                    "TOPPADDING", "BOTTOMPADDING")]]))
    return table


def _field_block(rows: list[tuple], widths: list[float], heights: list[float], value_style: ParagraphStyle,
                 label_style: ParagraphStyle) -> Table:
    """A bordered block of label | value rows; a row of two pairs when given four cells. Values are
    fitted to their boxes, so a long name wraps or shrinks and never crosses a line."""
    data, spans = [], []
    for r, (row, h) in enumerate(zip(rows, heights)):
        inner_h = h - 2 * PAD
        if len(row) == 2:
            label, value = row
            data.append([para(label, label_style),
                         fit_paragraph(value, value_style, sum(widths[1:]) - 2 * PAD, inner_h), "", ""])
            spans.append(("SPAN", (1, r), (3, r)))
        else:
            l1, v1, l2, v2 = row
            data.append([para(l1, label_style), fit_paragraph(v1, value_style, widths[1] - 2 * PAD, inner_h),
                         para(l2, label_style), fit_paragraph(v2, value_style, widths[3] - 2 * PAD, inner_h)])
    table = Table(data, colWidths=widths, rowHeights=heights)
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, colors.black),
                               ("INNERGRID", (0, 0), (-1, -1), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               *[(k, (0, 0), (-1, -1), PAD) for k in ("LEFTPADDING", "RIGHTPADDING",
                                                                      "TOPPADDING", "BOTTOMPADDING")],
                               *spans]))
    return table


def cover_story(data: CoverData) -> list[Flowable]:
    numbers = _boxes([("全宗号", data.fonds_no), ("目录号", data.catalogue_no), ("案卷号", data.file_no),
                      ("归档号", data.archive_number)], [20 * mm, 20 * mm, 20 * mm, 28 * mm])
    heading = para(" ".join(data.heading), _style("heading", 30, 42, TA_CENTER))
    label = _style("cover-label", 14, 18, TA_CENTER)
    value = _style("cover-value", 14, 20)
    rows = [("全宗名称", data.fonds_name),
            ("类　　别", data.category),
            ("案卷题名", data.case_title),
            ("当 事 人", data.party),
            ("案　　由", data.act),
            ("决定书文号", data.decision_number or "无（本卷没有决定书）"),
            ("处理结果", data.outcome),
            ("承办单位", data.handling_unit),
            ("立案日期", _date(data.opened), "结案日期", _date(data.closed)),
            ("保管期限", data.retention, "卷内数量", f"共 {data.items} 件 {data.pages} 页"),
            ("立 卷 人", data.filer, "立卷日期", _date(data.filed_on))]
    heights = [12 * mm, 12 * mm, 22 * mm, 14 * mm, 14 * mm, 12 * mm, 14 * mm, 12 * mm, 12 * mm, 12 * mm, 12 * mm]
    block = _field_block(rows, [30 * mm, 48 * mm, 30 * mm, 48 * mm], heights, value, label)
    return [numbers, Spacer(1, 14 * mm), heading, Spacer(1, 10 * mm), block]


def cover_sheet(data: CoverData) -> bytes:
    """The case-file cover as a one-page PDF, not page-numbered."""
    return page.build(cover_story(data), f"案卷封面 {data.archive_number}", numbered=False)


# ----------------------------------------------------------------------------------------- file index

@dataclass(frozen=True)
class IndexRow:
    """One document of the volume, in binding order (序号 is its position)."""
    doc_number: str                     # 文号
    author: str                         # 责任者
    title: str                          # 题名
    date: date | str | None             # printed YYYYMMDD
    page: str = ""                      # 页号, see domain.archiving.start_pages()
    remarks: str = ""                   # 备注


INDEX_COLUMNS = (("序号", 11), ("文号", 32), ("责任者", 26), ("题名", 43), ("日期", 18), ("页号", 12), ("备注", 14))
CELL_PAD = 3


def _doc_number(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    """A document number too long for one line breaks before its year bracket (灵综执罚决 /
    〔2026〕7号), never inside the year."""
    if stringWidth(text, style.fontName, style.fontSize) > width:
        for bracket in ("〔", "[", "［"):
            at = text.find(bracket)
            if at > 0:
                return Paragraph(f"{escape(text[:at])}<br/>{escape(text[at:])}", style)
    return para(text, style)


def index_story(rows: list[IndexRow], title: str = "", archive_number: str = "") -> list[Flowable]:
    cell = _style("index-cell", 10.5, 14)
    centre = _style("index-centre", 10.5, 14, TA_CENTER)
    widths = [w * mm for _, w in INDEX_COLUMNS]
    data = [[para(h, centre) for h, _ in INDEX_COLUMNS]]
    for i, r in enumerate(rows, 1):
        data.append([para(str(i), centre), _doc_number(r.doc_number, cell, widths[1] - 2 * CELL_PAD), para(r.author, cell), para(r.title, cell),
                     para(_ymd(r.date), centre), para(r.page, centre), para(r.remarks, cell)])
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                               ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
                               ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
                               ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                               ("TOPPADDING", (0, 0), (-1, 0), 6), ("BOTTOMPADDING", (0, 0), (-1, 0), 6)]))
    story: list[Flowable] = [para(" ".join("卷内文件目录"), _style("index-heading", 22, 32, TA_CENTER))]
    caption = _style("index-caption", 11, 16)
    if title:
        story.append(para(f"案卷题名：{title}", caption))
    if archive_number:
        story.append(para(f"归档号：{archive_number}", caption))
    return story + [Spacer(1, 4 * mm), table]


def file_index(rows: list[IndexRow], title: str = "", archive_number: str = "") -> bytes:
    """The file index as a PDF: one row per document, the header row repeated on every page, not
    page-numbered. ``title`` is the case title printed above the table."""
    return page.build(index_story(rows, title, archive_number), f"卷内文件目录 {title}".strip(), numbered=False)


# -------------------------------------------------------------------------------------- remarks sheet

@dataclass(frozen=True)
class RemarksData:
    """What the remarks sheet (卷内备考表) records."""
    notes: str = ""                     # 本卷情况说明: missing, changed, added, removed, destroyed items
    filer: str = ""                     # 立卷人
    filed_on: date | str | None = None
    checker: str = ""                   # 检查人
    checked_on: date | str | None = None
    volume_on: date | str | None = None  # 立卷时间; the filer's date when not given
    archive_number: str = ""            # printed above the sheet when given


NOTES_MIN_HEIGHT = 140 * mm
NOTES_PIECE = 30 * mm      # a longer paragraph is cut at a line into rows of at most this


class _BoxedTable(Table):
    """A table whose every page's part is boxed (ReportLab closes only the first split's part)."""

    def split(self, availWidth, availHeight):  # noqa: N803 (ReportLab names)
        parts = super().split(availWidth, availHeight)
        for part in parts:
            part.__class__ = _BoxedTable
            part.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, colors.black)]))
        return parts


def remarks_story(data: RemarksData) -> list[Flowable]:
    """The notes as a ruled box of one row per paragraph (so long notes run on to the next page,
    closing and reopening the box), at least NOTES_MIN_HEIGHT tall, then the signatures."""
    label = _style("remarks-label", 14, 20)
    body = ParagraphStyle("remarks-body", parent=_style("remarks-body0", 14, 24), firstLineIndent=28)
    inner_w = TEXT_WIDTH - 2 * 2 * PAD
    notes = [[para("本卷情况说明：", label)]]
    for line in (line for line in data.notes.split("\n") if line.strip()):
        # the table breaks between rows, never inside one: a paragraph longer than a page goes in pieces
        piece = para(line, body)
        while piece.wrap(inner_w, 10_000)[1] > NOTES_PIECE and (pieces := piece.split(inner_w, NOTES_PIECE)):
            notes.append([pieces[0]])
            piece = pieces[1]
        notes.append([piece])
    needed = sum(row[0].wrap(inner_w, 10_000)[1] for row in notes) + 2 * PAD + 3 * mm
    notes.append([""])                                  # the blank rest of the box
    filler = max(NOTES_MIN_HEIGHT - needed, 2 * PAD)
    sign = [["立卷人：", data.filer, "日期：", _date(data.filed_on)],
            ["检查人：", data.checker, "日期：", _date(data.checked_on)],
            ["立卷时间：", _date(data.volume_on or data.filed_on), "", ""]]
    first_sign = len(notes)
    rows = [[cell[0], "", "", ""] for cell in notes] + [[para(t, label) for t in r] for r in sign]
    heights = [None] * (first_sign - 1) + [filler] + [14 * mm] * 3
    # one table, so every page's part of it is boxed; it breaks only between note rows
    table = _BoxedTable(rows, colWidths=[30 * mm, 48 * mm, 20 * mm, TEXT_WIDTH - 98 * mm], rowHeights=heights)
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, colors.black),
                               *[("SPAN", (0, r), (-1, r)) for r in range(first_sign)],
                               ("SPAN", (1, first_sign + 2), (-1, first_sign + 2)),
                               ("NOSPLIT", (0, first_sign - 1), (-1, -1)),      # signatures stay together
                               ("LINEABOVE", (0, first_sign), (-1, first_sign), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, first_sign - 1), 2 * PAD),
                               ("RIGHTPADDING", (0, 0), (-1, first_sign - 1), 2 * PAD),
                               ("TOPPADDING", (0, 0), (-1, first_sign - 1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, first_sign - 1), 0),
                               ("TOPPADDING", (0, 0), (0, 0), 2 * PAD), ("BOTTOMPADDING", (0, 0), (0, 0), 3 * mm),
                               ("LEFTPADDING", (0, first_sign), (0, -1), 2 * PAD)]))
    story: list[Flowable] = [para(" ".join("卷内备考表"), _style("remarks-heading", 22, 32, TA_CENTER))]
    if data.archive_number:
        story.append(para(f"归档号：{data.archive_number}", _style("remarks-number", 11, 16)))
    return story + [Spacer(1, 5 * mm), table]


def remarks_sheet(data: RemarksData) -> bytes:
    """The remarks sheet as a PDF, not page-numbered."""
    return page.build(remarks_story(data), "卷内备考表", numbered=False)
