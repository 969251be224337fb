"""Labels (domain.md §8): archive-box spine labels (档案盒脊背), the evidence-disc label and the written
note that goes with an AV evidence copy (seed 004 Art. 22), and sheets of self-adhesive labels.

Everything is drawn straight on a ReportLab canvas in the embedded Song face (fonts.song()); text is
fitted with ``fit_lines``/``fit_vertical``, which shrink the font (and wrap) until the text fits its
box, so a long company name never runs out of a label. Every function takes ``offset_mm=(dx, dy)``:
the printer's calibration (services.label_calibration), dx > 0 moves the print right, dy > 0 down.
"""
from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from typing import Callable, Iterable, Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Spacer, TableStyle

from jlclient.printing import page
from jlclient.printing.fonts import song
from jlclient.printing.render import TEXT_WIDTH, chinese_date, grid, para

Progress = Callable[[int, int], None]   # (labels done, labels in all)

MIN_SIZE = 6.0          # points: the smallest size a label normally uses
FLOOR_SIZE = 3.5        # below MIN_SIZE only when the text would otherwise leave its box
LEADING = 1.22

# ------------------------------------------------------------------------------------------ fitting

_TOKEN = re.compile(r"[A-Za-z0-9_.:/@#+\-]+|\s+|.", re.S)
_NO_LINE_START = set("，。、；：！？）》」』】〕,.;:!?)]%")


def _tokens(text: str) -> list[str]:
    """CJK characters one by one, Latin words and numbers whole (broken only when wider than a line)."""
    return _TOKEN.findall(text)


def _unit_width(text: str) -> float:
    return stringWidth(text, song(), 1.0)


def wrap(text: str, width: float, size: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points at ``size``: between any two CJK
    characters, between Latin words, inside a Latin word only when it alone is too wide; a closing
    punctuation mark never starts a line. Newlines in ``text`` are kept."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for tok in _tokens(paragraph):
            w = _unit_width(tok) * size
            if used + w <= width + 1e-6 or not line.strip():
                if w > width and not line.strip() and len(tok) > 1:        # a word wider than the line
                    for ch in tok:
                        cw = _unit_width(ch) * size
                        if used + cw > width + 1e-6 and line:
                            out.append(line)
                            line, used = "", 0.0
                        line, used = line + ch, used + cw
                    continue
                line, used = line + tok, used + w
                continue
            if tok.isspace():
                out.append(line)
                line, used = "", 0.0
                continue
            if tok in _NO_LINE_START and len(line) > 1:             # carry the last character over
                out.append(line[:-1])
                line = line[-1] + tok
            else:
                out.append(line.rstrip())
                line = tok
            used = _unit_width(line) * size
        out.append(line.rstrip())
    return out


@dataclass(frozen=True)
class Fitted:
    size: float
    lines: list[str]

    @property
    def leading(self) -> float:
        return self.size * LEADING


def fit_lines(texts: Sequence[str], width: float, height: float, max_size: float,
              min_size: float = MIN_SIZE) -> Fitted:
    """The largest size (half-point steps from ``max_size``) at which ``texts``, each wrapped to
    ``width``, fit in ``height`` (points). Below ``min_size`` only if nothing else fits, down to
    FLOOR_SIZE; the text is never cut."""
    size = float(max_size)
    while True:
        lines = [ln for t in texts for ln in wrap(t, width, size)]
        fits = len(lines) * size * LEADING <= height + 1e-6 and all(_unit_width(ln) * size <= width + 1e-6
                                                                    for ln in lines)
        if fits or size - 0.5 < FLOOR_SIZE:
            return Fitted(size, lines)
        size -= 0.5


def _draw_block(c: Canvas, fitted: Fitted, x: float, top: float, width: float, align: str = "left") -> None:
    """Lines from ``top`` down (baseline one size below the top)."""
    c.setFont(song(), fitted.size)
    y = top - fitted.size
    for ln in fitted.lines:
        if align == "center":
            c.drawCentredString(x + width / 2, y, ln)
        else:
            c.drawString(x, y, ln)
        y -= fitted.leading


# --------------------------------------------------------------------------------------- the canvas

def _canvas(out: BytesIO, size: tuple[float, float], title: str) -> Canvas:
    c = Canvas(out, pagesize=size, initialFontName=song(), initialFontSize=10)
    c.setTitle(title)
    c.setCreator("jlclient")
    return c


def _start(c: Canvas, offset_mm: tuple[float, float]) -> None:
    """Begin a page: the calibration offset moves everything drawn on it."""
    dx, dy = offset_mm
    if dx or dy:
        c.translate(dx * mm, -dy * mm)


# ------------------------------------------------------------------------------------- spine labels

SPINE_WIDTHS = (20, 30, 40, 50)     # mm: the thicknesses of standard archive boxes (DA/T 22)
SPINE_HEIGHT = 220                  # mm: fits A4 with room for cutting


@dataclass(frozen=True)
class SpineData:
    """What a box spine shows. Items of different year, unit or retention never share a box."""
    fonds_no: str                   # 全宗号
    year: int | str                 # 年度
    retention: str                  # 保管期限: 永久 / 30年 / 10年
    first_item: int | str           # 起止件号
    last_item: int | str
    box_no: int | str               # 盒号
    unit: str = ""                  # 机构（问题）/ 单位, optional


def _item(n: int | str) -> str:
    return f"{n:04d}" if isinstance(n, int) else str(n)


def _vtokens(text: str) -> list[str]:
    """Vertical text: each CJK character its own row; a Latin word or number stays upright on one
    row (纵中横) as Chinese spines print 2026 or J012."""
    return [t for t in _TOKEN.findall(text) if not t.isspace()]


def fit_vertical(text: str, width: float, height: float, max_size: float,
                 min_size: float = MIN_SIZE) -> tuple[float, list[list[str]]]:
    """Size and columns (right to left, each top to bottom) for ``text`` set vertically in a box."""
    tokens = _vtokens(text) or [""]
    widest = max(_unit_width(t) for t in tokens) or 1.0
    best: tuple[float, int] | None = None
    for ncols in range(1, len(tokens) + 1):
        rows = math.ceil(len(tokens) / ncols)
        size = min(max_size, width / (ncols * widest * 1.12), height / (rows * 1.12))
        size = math.floor(size * 2) / 2
        if size < FLOOR_SIZE:
            continue
        # one column reads best on a spine: a second only when the first would be much smaller
        if best is None or size > best[0] * 1.4:
            best = (size, ncols)
        if size >= max_size or size < min_size and best[0] >= min_size:
            break
    if best is not None:
        size, ncols = best
        rows = math.ceil(len(tokens) / ncols)
        return size, [tokens[i * rows:(i + 1) * rows] for i in range(ncols)]
    # even FLOOR_SIZE does not fit: break Latin words into characters and set at the largest that fits
    chars = [ch for t in tokens for ch in t]
    size = min(width / 1.12 / max(_unit_width(ch) for ch in chars), height / 1.12 / len(chars))
    return size, [chars]


def _draw_vertical(c: Canvas, text: str, x: float, y: float, w: float, h: float, max_size: float,
                   min_size: float = MIN_SIZE) -> None:
    """``text`` set vertically, centred in the box (x, y bottom-left, w × h points)."""
    size, cols = fit_vertical(text, w, h, max_size, min_size)
    step = size * 1.12
    col_w = max(_unit_width(t) for col in cols for t in col) * size * 1.12
    total_w = col_w * len(cols)
    rows = max(len(col) for col in cols)
    top = y + h / 2 + rows * step / 2
    c.setFont(song(), size)
    for i, col in enumerate(cols):                       # right to left
        cx = x + w / 2 + total_w / 2 - col_w * (i + 0.5)
        for j, tok in enumerate(col):
            c.drawCentredString(cx, top - (j + 1) * step + size * 0.15, tok)


def _spine(c: Canvas, data: SpineData, x: float, y: float, width_mm: float, height_mm: float) -> None:
    """One spine label with its bottom-left corner at (x, y) points."""
    w, h = width_mm * mm, height_mm * mm
    sections = ([("单位", data.unit.strip())] if data.unit.strip() else []) + [
        ("全宗号", str(data.fonds_no)), ("年度", str(data.year)), ("保管期限", data.retention),
        ("起止件号", f"{_item(data.first_item)}\n至\n{_item(data.last_item)}"), ("盒号", str(data.box_no))]
    pad = min(2.0 * mm, w * 0.1)
    label_size = min(9.0, w / 5)
    value_size = min(28.0, w / 2.2)
    label_hs = [len(label) * label_size * 1.12 + 2 * pad for label, _ in sections]

    def weight(label: str, value: str) -> float:         # rows of value text, the box number larger
        rows = sum(len(_vtokens(part)) for part in value.split("\n"))
        return min(rows, 8) + (0.6 if label == "盒号" else 0.35)
    weights = [weight(*s) for s in sections]
    spare = h - sum(label_hs)
    c.setLineWidth(0.8)
    c.rect(x, y, w, h)
    c.setLineWidth(0.4)
    top = y + h
    for k, ((label, value), label_h) in enumerate(zip(sections, label_hs)):
        sh = label_h + spare * weights[k] / sum(weights)
        bottom = top - sh
        if k:
            c.line(x, top, x + w, top)
        _draw_vertical(c, label, x + pad, top - label_h + pad, w - 2 * pad, label_h - 2 * pad, label_size)
        c.setDash(1, 1.5)
        c.line(x + w * 0.3, top - label_h + pad / 2, x + w * 0.7, top - label_h + pad / 2)
        c.setDash()
        box = (x + pad, bottom + pad, w - 2 * pad, sh - label_h - pad)
        if "\n" in value:                                   # first / 至 / last, each on its own row
            parts = value.split("\n")
            part_h = box[3] / len(parts)
            for i, part in enumerate(parts):
                _draw_vertical(c, part, box[0], box[1] + box[3] - (i + 1) * part_h, box[2], part_h,
                               value_size * (0.7 if part == "至" else 1))
        else:
            _draw_vertical(c, value, *box, value_size * (1.25 if label == "盒号" else 1))
        top = bottom


def _spine_width(width_mm: int) -> int:
    if width_mm not in SPINE_WIDTHS:
        raise ValueError(f"盒脊宽度应为 {'、'.join(map(str, SPINE_WIDTHS))} 毫米之一")
    return width_mm


def spine_label(data: SpineData, width_mm: int, *, height_mm: float = SPINE_HEIGHT,
                offset_mm: tuple[float, float] = (0, 0)) -> bytes:
    """One spine label on a page of its own size (width × height_mm), for a label printer or a strip."""
    _spine_width(width_mm)
    out = BytesIO()
    c = _canvas(out, (width_mm * mm, height_mm * mm), f"档案盒脊背 {data.fonds_no} {data.year} 盒{data.box_no}")
    _start(c, offset_mm)
    _spine(c, data, 0.4, 0.4, width_mm - 0.8 / mm, height_mm - 0.8 / mm)
    c.showPage()
    c.save()
    return out.getvalue()


def spine_labels(items: Iterable[SpineData], width_mm: int, *, height_mm: float = SPINE_HEIGHT,
                 gap_mm: float = 3, offset_mm: tuple[float, float] = (0, 0),
                 progress: Progress | None = None) -> bytes:
    """Many spine labels side by side on A4 (a year's boxes), in order left to right, page by page;
    the outline is the cutting line."""
    _spine_width(width_mm)
    per_page = int((A4[0] / mm - 20 + gap_mm) // (width_mm + gap_mm))
    left = (A4[0] / mm - per_page * width_mm - (per_page - 1) * gap_mm) / 2
    bottom = (A4[1] / mm - height_mm) / 2
    out = BytesIO()
    c = _canvas(out, A4, "档案盒脊背")
    items = list(items)
    for start in range(0, max(len(items), 1), per_page):
        _start(c, offset_mm)
        for i, data in enumerate(items[start:start + per_page]):
            _spine(c, data, (left + i * (width_mm + gap_mm)) * mm, bottom * mm, width_mm, height_mm)
        c.showPage()
        if progress:
            progress(min(start + per_page, len(items)), len(items))
    c.save()
    return out.getvalue()


# ---------------------------------------------------------------------------------- evidence discs

DISC_MM = 116           # the printable disc label
HOLE_MM = 41            # its centre hole


@dataclass(frozen=True)
class DiscFile:
    name: str
    size: int                       # bytes
    duration_s: float
    sha256: str


@dataclass(frozen=True)
class DiscData:
    """An AV evidence copy on a disc (seed 004 Art. 22: who made it, who extracted it and when)."""
    case_number: str                                # 案号 or the matter's number
    recorded_from: datetime | str
    recorded_to: datetime | str | None
    place: str
    device: str                                     # 设备编号
    officers: tuple[tuple[str, str], ...]           # (name, 执法证号)
    files: tuple[DiscFile, ...]
    maker: str                                      # 制作人
    made_at: datetime | str
    extractor: str                                  # 提取人
    extracted_at: datetime | str
    method: str = "执法记录仪"                       # 录制方式
    matter: str = ""                                # 案由 / 事项
    agency: str = ""
    sha256: str = ""                                # the disc's checksum; default: of the file list
    archive_number: str = ""                        # 归档号 of the bound volume the disc belongs to

    @property
    def file_count(self) -> int:
        return len(self.files)

    @property
    def duration_s(self) -> float:
        return sum(f.duration_s for f in self.files)

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def checksum(self) -> str:
        """``sha256`` when given, else SHA-256 of the file list ("<sha256>  <name>\\n" per file, in
        order — what `sha256sum` prints), so the label's one value vouches for every file."""
        if self.sha256:
            return self.sha256.lower()
        return hashlib.sha256(manifest(self).encode("utf-8")).hexdigest()


def manifest(data: DiscData) -> str:
    return "".join(f"{f.sha256.lower()}  {f.name}\n" for f in data.files)


def duration_text(seconds: float) -> str:
    s = int(round(seconds))
    h, m, s = s // 3600, s % 3600 // 60, s % 60
    return (f"{h}小时" if h else "") + (f"{m}分" if h or m else "") + f"{s}秒"


def size_text(n: int) -> str:
    for unit, k in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024)):
        if n >= k:
            return f"{n / k:.2f} {unit}"
    return f"{n} 字节"


def _when(value: datetime | date | str | None) -> str:
    return chinese_date(value) if value else ""


def recorded_text(data: DiscData) -> str:
    start = _when(data.recorded_from)
    if not data.recorded_to:
        return start
    end = _when(data.recorded_to)
    same_day = start.split(" ")[0] == end.split(" ")[0] and " " in end
    return f"{start}—{end.split(' ', 1)[1] if same_day else end}"


def officers_text(data: DiscData) -> str:
    return "、".join(f"{name}（{cert}）" for name, cert in data.officers)


@dataclass
class _Item:
    text: str
    scale: float = 1.0              # relative size (the title is larger)
    nowrap: bool = False            # the checksum halves: shrink, never wrap
    lines: list[str] = field(default_factory=list)


def _chord(r: float, y_a: float, y_b: float) -> float:
    """Half the width of a circle of radius ``r`` over the row between heights y_a and y_b."""
    far = max(abs(y_a), abs(y_b)) if y_a * y_b > 0 else 0.0
    return math.sqrt(max(r * r - far * far, 0.0))


def _layout_band(items: list[_Item], band: tuple[float, float, float, float], r: float, max_size: float,
                 draw: Canvas | None = None, cx: float = 0, cy: float = 0) -> float | None:
    """As _set_band, then the rows moved down to the middle of the band when they still fit there."""
    size = _set_band(items, band, r, max_size)
    if size is None or draw is None:
        return size
    x0, x1, y0, y1 = band
    used = _set_band(items, band, r, size, measure=True)
    centred = (x0, x1, y0, y1 - max(0.0, (used - y0) / 2))
    if _set_band(items, centred, r, size, exact=True) is not None:
        band = centred
    return _set_band(items, band, r, size, draw=draw, cx=cx, cy=cy, exact=True)


def _set_band(items: list[_Item], band: tuple[float, float, float, float], r: float, max_size: float,
              draw: Canvas | None = None, cx: float = 0, cy: float = 0, measure: bool = False,
              exact: bool = False) -> float | None:
    """Set ``items`` from the top of ``band`` (x0, x1, y0, y1 relative to the disc centre, points)
    downwards, each row as wide as the circle of radius ``r`` allows there. Returns the size that
    fits (drawing when ``draw``), or None when even FLOOR_SIZE does not."""
    x0, x1, y0, y1 = band
    size = max_size
    while size >= FLOOR_SIZE:
        rows, y, ok = [], y1, True
        for it in items:
            s = size * it.scale
            text = it.text
            while ok:
                top, base = y, y - s * 1.05
                half = _chord(r, top, base - s * 0.2)
                left, right = max(x0, -half), min(x1, half)
                if base - s * 0.2 < y0 or right - left <= s:
                    ok = False
                    break
                if it.nowrap:                   # one line: this item alone shrinks to the row
                    s_row = min(s, (right - left) / max(_unit_width(text), 1e-6))
                    if s_row < FLOOR_SIZE:
                        ok = False
                        break
                    rows.append((text, s_row, (left + right) / 2, base))
                    y -= s * LEADING
                    break
                else:
                    parts = wrap(text, right - left, s)
                    line, rest = parts[0], text[len(parts[0]):].lstrip()
                    if not line:
                        ok = False
                        break
                rows.append((line, s, (left + right) / 2, base))
                y -= s * LEADING
                text = rest
                if not text:
                    break
            if not ok:
                break
        if ok:
            if measure:                         # the lowest point the rows reach
                return min(base - s * 0.2 for _, s, _, base in rows)
            if draw is not None:
                for line, s, mid, base in rows:
                    draw.setFont(song(), s)
                    draw.drawCentredString(cx + mid, cy + base, line)
            return size
        if exact:
            return None
        size -= 0.25
    return None


def _disc(c: Canvas, data: DiscData, cx: float, cy: float) -> None:
    r_out, r_in = DISC_MM / 2 * mm, HOLE_MM / 2 * mm
    c.saveState()
    c.setStrokeColor(colors.Color(0.55, 0.55, 0.55))
    c.setLineWidth(0.4)
    c.setDash(3, 2)
    c.circle(cx, cy, r_out)
    c.circle(cx, cy, r_in)
    c.setDash()
    c.setLineWidth(0.25)
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):          # register marks for cutting by hand
        c.line(cx + dx * (r_out + 1.5 * mm), cy + dy * (r_out + 1.5 * mm),
               cx + dx * (r_out + 5 * mm), cy + dy * (r_out + 5 * mm))
    c.restoreState()
    safe = r_out - 3.5 * mm                  # keep clear of the edge and the hole
    inner = r_in + 2.5 * mm
    sha = data.checksum
    top = [_Item("视听资料证据光盘", 1.3, nowrap=True), _Item(f"案号：{data.case_number}")]
    if data.archive_number:
        top.append(_Item(f"归档号：{data.archive_number}"))
    if data.matter:
        top.append(_Item(f"案由：{data.matter}"))
    top += [_Item(f"时间：{recorded_text(data)}"), _Item(f"地点：{data.place}"),
            _Item(f"设备：{data.method} {data.device}"), _Item(f"执法人员：{officers_text(data)}")]
    left = [_Item(f"文件数：{data.file_count}个"), _Item(f"时长：{duration_text(data.duration_s)}"),
            _Item(f"大小：{size_text(data.size)}")]
    right = [_Item(f"制作人：{data.maker}"), _Item(f"提取人：{data.extractor}")]
    bottom = [_Item("SHA-256：", 0.9), _Item(sha[:32], 0.9, nowrap=True), _Item(sha[32:], 0.9, nowrap=True),
              _Item(f"制作：{data.maker} {_when(data.made_at)}"),
              _Item(f"提取：{data.extractor} {_when(data.extracted_at)}")] + (
        [_Item(data.agency)] if data.agency else [])
    side_h = inner - 1 * mm
    bands = ((top, (-safe, safe, inner, safe - 5 * mm), 10.0),
             (left, (-safe, -inner, -side_h, side_h), 8.0),
             (right, (inner, safe, -side_h, side_h), 8.0),
             (bottom, (-safe, safe, -safe + 1 * mm, -inner), 8.0))
    for items, band, max_size in bands:
        size = _layout_band(items, band, safe, max_size)
        if size is None:                     # never expected with real data: shrink the last resort way
            for it in items:
                it.scale *= 0.6
            size = _layout_band(items, band, safe, FLOOR_SIZE) or FLOOR_SIZE
        _layout_band(items, band, safe, size, draw=c, cx=cx, cy=cy)


def disc_label(data: DiscData, *, offset_mm: tuple[float, float] = (0, 0)) -> bytes:
    """The round label (116 mm, 41 mm hole, drawn as dashed guide circles) on an A4 page."""
    out = BytesIO()
    c = _canvas(out, A4, f"光盘标签 {data.case_number}")
    _start(c, offset_mm)
    _disc(c, data, A4[0] / 2, A4[1] - 20 * mm - DISC_MM / 2 * mm)
    c.showPage()
    c.save()
    return out.getvalue()


def _note_styles() -> dict[str, ParagraphStyle]:
    font = song()
    return {
        "title": ParagraphStyle("nt", fontName=font, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4),
        "cell": ParagraphStyle("nc", fontName=font, fontSize=11, leading=15, wordWrap="CJK"),
        "small": ParagraphStyle("ns", fontName=font, fontSize=8, leading=10, wordWrap="CJK"),
        "body": ParagraphStyle("nb", fontName=font, fontSize=12, leading=20, wordWrap="CJK", firstLineIndent=24),
        "sign": ParagraphStyle("ng", fontName=font, fontSize=12, leading=22, alignment=TA_LEFT),
    }


def written_note(data: DiscData) -> bytes:
    """视听资料制作说明: the written note that goes with the disc (seed 004 Art. 22), on A4."""
    st = _note_styles()
    cell = st["cell"]
    wide = [("案号", data.case_number)] + ([("归档号", data.archive_number)] if data.archive_number else []) + (
        [("案由", data.matter)] if data.matter else []) + [
        ("录制时间", recorded_text(data)), ("录制地点", data.place),
        ("录制方式及设备", f"{data.method}，设备编号 {data.device}"), ("执法人员（执法证号）", officers_text(data))]
    pairs = [(("文件数", f"{data.file_count}个"), ("总时长", duration_text(data.duration_s))),
             (("总大小", size_text(data.size)), ("字节数", f"{data.size:,}")),
             (("制作人", data.maker), ("制作时间", _when(data.made_at))),
             (("提取人", data.extractor), ("提取时间", _when(data.extracted_at)))]
    sha = data.checksum
    checksum = f"{sha[:32]}\n{sha[32:]}" + ("" if data.sha256 else "\n（按下表文件清单计算）")
    label_w, half = 36 * mm, TEXT_WIDTH / 2 - 36 * mm
    rows = [[para(k, cell), para(v, cell), "", ""] for k, v in wide]
    rows += [[para(a, cell), para(av, cell), para(b, cell), para(bv, cell)] for (a, av), (b, bv) in pairs]
    rows.append([para("光盘校验值（SHA-256）", cell), para(checksum, cell), "", ""])
    facts = grid(rows, [label_w, half, label_w, half])
    facts.setStyle(TableStyle([("SPAN", (1, i), (3, i)) for i in list(range(len(wide))) + [len(rows) - 1]]))
    files = [[para(h, cell) for h in ("序号", "文件名", "时长", "大小", "SHA-256")]]
    for i, f in enumerate(data.files, 1):
        files.append([para(str(i), cell), para(f.name, st["small"]), para(duration_text(f.duration_s), st["small"]),
                      para(size_text(f.size), st["small"]),
                      para(f"{f.sha256.lower()[:32]}\n{f.sha256.lower()[32:]}", st["small"])])
    file_table = grid(files, [13 * mm, 50 * mm, 19 * mm, 19 * mm, TEXT_WIDTH - 101 * mm], header=True)
    statement = (f"本光盘所载{data.file_count}个视听资料文件系{data.extractor}于{_when(data.extracted_at)}"
                 f"从{data.method}（设备编号 {data.device}）的原始记录中提取，由{data.maker}于"
                 f"{_when(data.made_at)}复制制作，内容与原始记录一致，未经剪接、删改。")
    blank = "＿＿＿＿＿＿＿＿　　　　　年　　月　　日"
    story = ([para(data.agency, _note_styles()["title"])] if data.agency else []) + [
        para("视听资料制作说明", st["title"]), facts, Spacer(1, 6), para("文件清单：", cell), Spacer(1, 3),
        file_table, Spacer(1, 8),
        KeepTogether([para(statement, st["body"]), Spacer(1, 10), para(f"制作人（签名）：{blank}", st["sign"]),
                      para(f"提取人（签名）：{blank}", st["sign"])])]
    return page.build(story, f"视听资料制作说明 {data.case_number}")


# -------------------------------------------------------------------------------------- label sheets

@dataclass(frozen=True)
class LabelSheet:
    """A sheet of self-adhesive labels: label size, pitch (label + gap) and the top-left margins, mm."""
    name: str
    cols: int
    rows: int
    label_w: float
    label_h: float
    pitch_x: float
    pitch_y: float
    left: float
    top: float
    page: tuple[float, float] = (210.0, 297.0)

    @property
    def per_page(self) -> int:
        return self.cols * self.rows

    def cell(self, index: int) -> tuple[float, float, float, float]:
        """(x, y-from-top, w, h) in mm of the index-th label on its page, row by row."""
        i = index % self.per_page
        r, col = divmod(i, self.cols)
        return self.left + col * self.pitch_x, self.top + r * self.pitch_y, self.label_w, self.label_h


A4_2x4 = LabelSheet("A4 2×4（99.1×67.7 mm）", 2, 4, 99.1, 67.7, 101.6, 67.7, 4.65, 13.1)
A4_3x7 = LabelSheet("A4 3×7（63.5×38.1 mm）", 3, 7, 63.5, 38.1, 66.0, 38.1, 7.25, 15.15)
A4_3x8 = LabelSheet("A4 3×8（63.5×33.9 mm）", 3, 8, 63.5, 33.9, 66.0, 33.9, 7.25, 12.9)
SHEETS = {s.name: s for s in (A4_2x4, A4_3x7, A4_3x8)}
PAD_MM = 2.5


def _cell_label(c: Canvas, lines: list[str], x: float, top: float, w: float, h: float) -> None:
    """One label's lines, shrunk to fit inside the cell less its padding, centred vertically."""
    pad = PAD_MM * mm
    inner_w, inner_h = w - 2 * pad, h - 2 * pad
    fitted = fit_lines(lines, inner_w, inner_h, max_size=min(14.0, inner_h / 2.4))
    used = len(fitted.lines) * fitted.leading
    _draw_block(c, fitted, x + pad, top - pad - max(0.0, (inner_h - used) / 2), inner_w)


def sheet(texts: list[list[str]], spec: LabelSheet = A4_3x8, offset_mm: tuple[float, float] = (0, 0), *,
          guides: bool = False, title: str = "标签", progress: Progress | None = None) -> bytes:
    """``texts`` (one list of lines per label) in the cells of ``spec``, as many pages as needed.
    ``guides`` draws the cell outlines (for a trial print on plain paper); ``progress(done, total)``
    hears of each page's labels (a batch on a worker; it may raise to cancel)."""
    out = BytesIO()
    pw, ph = spec.page[0] * mm, spec.page[1] * mm
    c = _canvas(out, (pw, ph), title)
    for start in range(0, max(len(texts), 1), spec.per_page):
        _start(c, offset_mm)
        for i, lines in enumerate(texts[start:start + spec.per_page]):
            x, top, w, h = spec.cell(i)
            if guides:
                c.setLineWidth(0.3)
                c.setStrokeGray(0.6)
                c.roundRect(x * mm, ph - (top + h) * mm, w * mm, h * mm, 2 * mm)
                c.setStrokeGray(0)
            _cell_label(c, [ln for ln in lines if ln is not None], x * mm, ph - top * mm, w * mm, h * mm)
        c.showPage()
        if progress:
            progress(min(start + spec.per_page, len(texts)), len(texts))
    c.save()
    return out.getvalue()


def calibration_page(spec: LabelSheet = A4_3x8, offset_mm: tuple[float, float] = (0, 0)) -> bytes:
    """A trial page: every cell outlined and numbered, to print on plain paper and hold against a
    label sheet; the difference is the offset to store for the printer."""
    texts = [[f"第{i + 1}格", "对准标签纸检查偏移"] for i in range(spec.per_page)]
    return sheet(texts, spec, offset_mm, guides=True, title=f"标签校准 {spec.name}")
