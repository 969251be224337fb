"""A form of `forms/` printed from its definition and a record's values, so the printed layout and
the wizard page never disagree: fields in rows by their print widths, material lists as tables,
signature lines with Chinese dates, the seal area, and a QR code for look-up on receipts."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle
from xml.sax.saxutils import escape

from jlclient.domain.forms import FieldSpec, FieldType, FormSpec, SignatureKind, SignatureSlot, active_method
from jlclient.domain.model import ServiceMethod
from jlclient.printing.fonts import song

TEXT_WIDTH = 156 * mm
QR_FIELD = "lookup_code"          # receipts carry a QR code of the look-up code
NUMBER_FIELDS = ("doc_number", "receipt_number")


def styles() -> dict[str, ParagraphStyle]:
    font = song()
    return {
        "agency": ParagraphStyle("agency", fontName=font, fontSize=16, leading=24, alignment=TA_CENTER),
        "title": ParagraphStyle("title", fontName=font, fontSize=22, leading=32, alignment=TA_CENTER,
                                spaceAfter=4),
        "number": ParagraphStyle("number", fontName=font, fontSize=12, leading=18, alignment=TA_CENTER,
                                 spaceAfter=8),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=11, leading=16, wordWrap="CJK"),
        "body": ParagraphStyle("body", fontName=font, fontSize=12, leading=20, wordWrap="CJK",
                               firstLineIndent=24, leftIndent=0),
        "seal": ParagraphStyle("seal", fontName=font, fontSize=12, leading=20, alignment=TA_RIGHT),
    }


def chinese_date(value: date | datetime | str) -> str:
    """2026年11月23日 (GB/T 9704: Arabic numerals, no leading zeros); with the time when given."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value or " " in value.strip() else date.fromisoformat(value)
    text = f"{value.year}年{value.month}月{value.day}日"
    return text + f" {value:%H:%M}" if isinstance(value, datetime) else text


def field_text(f: FieldSpec, value: Any) -> str:
    """One value as it is printed."""
    if value in (None, "", [], {}):
        return ""
    if f.type in (FieldType.DATE, FieldType.DATETIME):
        return chinese_date(value)
    if f.type is FieldType.BOOL:
        return "是" if value else "否"
    if f.type is FieldType.SERVICE_METHOD:
        return ServiceMethod(value).label if value in ServiceMethod._value2member_map_ else str(value)
    if f.type is FieldType.CHOICE:
        return f.choice_label(str(value)) or str(value)
    if f.type is FieldType.MULTICHOICE:
        return "、".join(f.choice_label(str(v)) or str(v) for v in value)
    if f.type is FieldType.OFFICERS:
        return "、".join(f"{o.get('name', '')}（执法证号 {o.get('cert_no', '')}）" for o in value)
    if isinstance(value, dict):
        return "，".join(str(v) for v in value.values() if v)
    return str(value)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def grid(rows: list[list], widths: list[float], header: bool = False) -> Table:
    """A ruled table; ``header``: its first row repeats on every page it runs over."""
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return table


# Notes the system writes only when it has something to say (期限提示 while the year's 放假安排
# is unknown): left out of the page when empty, never an empty box.
SYSTEM_NOTES = frozenset({"calendar_note"})


def printed_fields(spec: FormSpec, values: dict) -> list[FieldSpec]:
    """The form's fields, without the groups of service methods other than the one chosen, nor
    an optional list nobody used (补正收到的材料 before any correction)."""
    method = active_method(spec, values)
    groups = {g.key: g for g in spec.groups}

    def applies(f: FieldSpec) -> bool:
        group = groups.get(f.group) if f.group else None
        if f.type is FieldType.MATERIALS and not f.required and not values.get(f.key):
            return False
        if f.key in SYSTEM_NOTES and not values.get(f.key):
            return False
        return group is None or not group.methods or (method is not None and method in group.methods)
    return [f for f in spec.fields if applies(f)]


def _field_rows(spec: FormSpec, values: dict, st: dict) -> list[Flowable]:
    """Plain fields in rows of label | value cells, each as wide as its print hint asks."""
    out, row, used = [], [], 0.0
    plain = [f for f in printed_fields(spec, values) if f.type not in (FieldType.MATERIALS, FieldType.FILE)
             and f.key not in NUMBER_FIELDS and f.key != QR_FIELD]

    def flush() -> None:
        nonlocal row, used
        if row:
            cells = [c for label, value, _, _ in row for c in (label, value)]
            widths = []
            for _, _, share, label_w in row:
                cell = TEXT_WIDTH * share / used
                widths += [min(label_w, cell / 2), cell - min(label_w, cell / 2)]
            out.append(grid([cells], widths))
            row, used = [], 0.0
    for f in plain:
        if f.print_hints.lines > 1:   # long text runs on over pages: paragraphs, not a table cell
            flush()
            out += _long_text(f, field_text(f, values.get(f.key)), st)
            continue
        share = f.print_hints.width
        if used + share > 1.0001:
            flush()
        label_w = max(26 * mm, len(f.label) * st["cell"].fontSize + 16)   # the label on one line (+ padding)
        row.append((para(f.label, st["cell"]), para(field_text(f, values.get(f.key)), st["cell"]), share, label_w))
        used += share
    flush()
    return out


def _long_text(f: FieldSpec, text: str, st: dict) -> list[Flowable]:
    """The label, then the text paragraph by paragraph (page breaks fall between lines); an empty
    field keeps the lines the form reserves, for writing by hand."""
    paragraphs = text.split("\n") if text else []
    out: list[Flowable] = [Spacer(1, 4), para(f"{f.label}：", st["cell"])]
    out += [para(line, st["body"]) for line in paragraphs]
    if not paragraphs:   # line by line, so a page can break between them
        out += [Spacer(1, st["body"].leading)] * f.print_hints.lines
    return out


def _materials(spec: FormSpec, values: dict, st: dict) -> list[Flowable]:
    out = []
    for f in (f for f in printed_fields(spec, values) if f.type is FieldType.MATERIALS):
        rows = [[para(h, st["cell"]) for h in ("序号", f.label, "份数", "原件/复印件", "标准")]]
        for i, m in enumerate(values.get(f.key) or [], 1):
            kind = {"original": "原件", "copy": "复印件"}.get(m.get("kind", ""), m.get("kind", ""))
            rows.append([para(str(i), st["cell"]), para(str(m.get("name", "")), st["cell"]),
                         para(str(m.get("copies", "")), st["cell"]), para(kind, st["cell"]),
                         para(str(m.get("standard") or ""), st["cell"])])
        out += [Spacer(1, 4), grid(rows, [12 * mm, TEXT_WIDTH - 100 * mm, 14 * mm, 24 * mm, 50 * mm])]
    return out


BLANK_DATE = "　　　　年　　月　　日"


def signature_words(slot: SignatureSlot, value: Any, blank_date: str = "") -> str:
    """A signature slot's value in words, without its label: 王经理　2026年12月3日; a refusal with
    its note; 已盖章 for a seal. Empty when nobody has signed."""
    if not value:
        return ""
    when = chinese_date(value["date"]) if value.get("date") else blank_date
    if slot.kind is SignatureKind.SEAL:
        return f"{'已盖章' if value.get('sealed') else '未盖章'}　{when}".strip()
    signers = value.get("signers") or [value]
    names = "、".join(s.get("name", "") for s in signers)
    opinion = f"意见：{value['opinion']}　" if value.get("opinion") else ""
    refused = f"（拒绝签名{'：' + value['note'] if value.get('note') else ''}）" if value.get("refused") else ""
    extra = "　".join(f"{label}：{value[k]}" for k, label in (("unit", "单位"), ("relation", "与受送达人关系"),
                                                            ("reason", "代收事由")) if value.get(k))
    return "　".join(p for p in (f"{opinion}{names}{refused}", extra, when) if p)


def _signature_text(slot: SignatureSlot, value: Any) -> str:
    if not value:
        return f"{slot.label}：＿＿＿＿＿＿＿＿　　{BLANK_DATE}"
    if slot.kind is SignatureKind.SEAL:
        when = chinese_date(value["date"]) if value.get("date") else BLANK_DATE
        return f"（{slot.label}）　{when}"
    opinion = f"意见：{value['opinion']}　" if value.get("opinion") else ""
    names = "、".join(s.get("name", "") for s in (value.get("signers") or [value]))
    refused = "（拒绝签名）" if value.get("refused") else ""
    when = chinese_date(value["date"]) if value.get("date") else BLANK_DATE
    return f"{opinion}{slot.label}：{names}{refused}　{when}"


def page_footer(spec: FormSpec, values: dict) -> list[str]:
    """The lines every printed page ends with (the form's ``every_page``): the statement and the
    signer's line, e.g. the interviewee's on each page of an inquiry record."""
    if spec.every_page is None:
        return []
    slot = spec.slot(spec.every_page.signature)
    return [spec.every_page.statement, _signature_text(slot, values.get(slot.key))]


def _signatures(spec: FormSpec, values: dict, st: dict) -> list[Flowable]:
    out: list[Flowable] = [Spacer(1, 10)]
    for slot in spec.signatures:
        style = st["seal"] if slot.kind is SignatureKind.SEAL else st["cell"]
        out += [para(_signature_text(slot, values.get(slot.key)), style), Spacer(1, 6)]
    return out


class QrCode(Flowable):
    """A QR code drawn as plain rectangles: through ReportLab's graphics renderer it would pull an
    unembedded Helvetica into the PDF."""

    def __init__(self, text: str, size_mm: float = 28):
        super().__init__()
        self.width = self.height = size_mm * mm
        widget = QrCodeWidget(text, barBorder=0)
        x0, y0, x1, y1 = widget.getBounds()
        self._scale = self.width / (x1 - x0)
        self._rects = [(r.x, r.y, r.width, r.height) for r in widget.draw().contents
                       if getattr(r, "fillColor", None) == colors.black]

    def draw(self) -> None:
        c, k = self.canv, self._scale
        c.setFillColor(colors.black)
        for x, y, w, h in self._rects:
            c.rect(x * k, y * k, w * k, h * k, stroke=0, fill=1)


def form_story(spec: FormSpec, values: dict, agency: str) -> list[Flowable]:
    """Everything printed for one record of ``spec``."""
    st = styles()
    story: list[Flowable] = [para(agency, st["agency"]), para(spec.title, st["title"])]
    number = next((values[k] for k in NUMBER_FIELDS if values.get(k)), "")
    if number:
        story.append(para(str(number), st["number"]))
    story += _field_rows(spec, values, st) + _materials(spec, values, st) + _signatures(spec, values, st)
    if values.get(QR_FIELD):
        story += [Spacer(1, 6), para(f"查询码：{values[QR_FIELD]}（扫码查询办理进度）", st["cell"]),
                  QrCode(str(values[QR_FIELD]))]
    return story
