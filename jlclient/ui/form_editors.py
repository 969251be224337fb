"""One editor widget per form field type and signature kind (forms/ drive them).

Each editor has ``widget``, ``value()`` (in the shape domain/forms.py documents) and
``set_value(v)``; an empty editor gives None so a draft keeps only what was typed.
"""
from __future__ import annotations

import re

from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDateTimeEdit, QFormLayout, QHBoxLayout, QHeaderView,
                               QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QSpinBox,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from jlclient.domain.forms import MATERIAL_COLUMNS, MATERIAL_KINDS, FieldSpec, FieldType, SignatureKind, SignatureSlot
from jlclient.domain.model import ServiceMethod
from jlclient.services.records import FormContext as PageContext


class TextEditor:
    def __init__(self, multiline: bool = False):
        self.widget = QPlainTextEdit() if multiline else QLineEdit()
        if multiline:
            self.widget.setTabChangesFocus(True)
            self.widget.setFixedHeight(70)

    def _text(self) -> str:
        w = self.widget
        return w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text()

    def value(self):
        return self._text().strip() or None

    def set_value(self, v) -> None:
        (self.widget.setPlainText if isinstance(self.widget, QPlainTextEdit) else self.widget.setText)(
            "" if v is None else str(v))


class DateEditor:
    """A date, empty until chosen (Delete clears); calendar popup, keyboard entry."""

    def __init__(self, with_time: bool = False):
        self.with_time = with_time
        self.widget = QDateTimeEdit() if with_time else QDateEdit()
        self.widget.setCalendarPopup(True)
        self.widget.setDisplayFormat("yyyy-MM-dd HH:mm" if with_time else "yyyy-MM-dd")
        self.widget.setSpecialValueText(" ")  # the minimum shows as empty
        self.widget.setMinimumDate(QDate(1900, 1, 1))
        self.clear()

    def clear(self) -> None:
        self.widget.setDate(self.widget.minimumDate())

    def value(self):
        if self.widget.date() == self.widget.minimumDate():
            return None
        if self.with_time:
            return self.widget.dateTime().toPython().replace(second=0, microsecond=0).isoformat(timespec="minutes")
        return self.widget.date().toPython().isoformat()

    def set_value(self, v) -> None:
        if not v:
            return self.clear()
        if self.with_time:
            dt = v if isinstance(v, datetime) else datetime.fromisoformat(str(v))
            self.widget.setDateTime(QDateTime(dt))
        else:
            d = v if isinstance(v, date) else date.fromisoformat(str(v)[:10])
            self.widget.setDate(QDate(d.year, d.month, d.day))


class IntEditor:
    def __init__(self, spec: FieldSpec):
        self.widget = QSpinBox()
        self.widget.setRange(int(spec.min) if spec.min is not None else 0, int(spec.max) if spec.max else 999999)

    def value(self):
        return self.widget.value()

    def set_value(self, v) -> None:
        self.widget.setValue(int(v or 0))


class ChoiceEditor:
    def __init__(self, items: list[tuple[str, str]]):
        self.widget = QComboBox()
        self.widget.addItem("", None)
        for value, label in items:
            self.widget.addItem(label, value)

    def value(self):
        return self.widget.currentData()

    def set_value(self, v) -> None:
        self.widget.setCurrentIndex(max(0, self.widget.findData(v)))


class MultiChoiceEditor:
    def __init__(self, spec: FieldSpec):
        self.widget = QWidget()
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes = {c.value: QCheckBox(c.label) for c in spec.choices}
        for box in self.boxes.values():
            layout.addWidget(box)
        layout.addStretch(1)

    def value(self):
        return [v for v, box in self.boxes.items() if box.isChecked()] or None

    def set_value(self, v) -> None:
        for key, box in self.boxes.items():
            box.setChecked(key in (v or ()))


class BoolEditor:
    def __init__(self, label: str):
        self.widget = QCheckBox(label)

    def value(self):
        return self.widget.isChecked()

    def set_value(self, v) -> None:
        self.widget.setChecked(bool(v))


class OfficerPicker:
    """Officers of the agency to tick; the case's own officers come ticked (names with 执法证号)."""

    def __init__(self, context: PageContext, preselect: bool = True):
        self.widget = QListWidget()
        self.widget.setFixedHeight(min(120, 24 * max(2, len(context.officers)) + 6))
        for name, cert in context.officers:
            item = QListWidgetItem(f"{name}（执法证号 {cert}）")
            item.setData(Qt.UserRole, {"name": name, "cert_no": cert})
            item.setCheckState(Qt.Checked if preselect and cert in context.assigned else Qt.Unchecked)
            self.widget.addItem(item)

    def _items(self):
        return [self.widget.item(i) for i in range(self.widget.count())]

    def value(self):
        return [i.data(Qt.UserRole) for i in self._items() if i.checkState() == Qt.Checked] or None

    def set_value(self, v) -> None:
        wanted = {o.get("cert_no") for o in (v or ())}
        for item in self._items():
            item.setCheckState(Qt.Checked if item.data(Qt.UserRole)["cert_no"] in wanted else Qt.Unchecked)


class NameListEditor:
    """Names of people who are not necessarily officers (hearing or meeting participants)."""

    def __init__(self):
        self.widget = QLineEdit()
        self.widget.setPlaceholderText("姓名，用顿号分隔，如：周杰、赵敏")

    def value(self):
        names = [n for n in re.split(r"[、，,；;\s]+", self.widget.text()) if n]
        return [{"name": n} for n in names] or None

    def set_value(self, v) -> None:
        self.widget.setText("、".join(p.get("name", "") for p in v or ()))


class MaterialsEditor:
    """Rows of name, copies, original/copy, standard; rows added and removed with buttons."""
    COLUMNS = tuple(MATERIAL_COLUMNS)

    def __init__(self):
        self.widget = QWidget()
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(MATERIAL_COLUMNS.values()))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.setMinimumHeight(110)
        add, remove = QPushButton("添加一行"), QPushButton("删除所选行")
        add.clicked.connect(lambda: self.add_row({}))
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add_row(self, row: dict) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(row.get("name", "")))
        copies = QSpinBox()
        copies.setRange(1, 99)
        copies.setValue(int(row.get("copies", 1)))
        self.table.setCellWidget(r, 1, copies)
        kind = QComboBox()
        for value, label in MATERIAL_KINDS.items():
            kind.addItem(label, value)
        kind.setCurrentIndex(max(0, kind.findData(row.get("kind", "original"))))
        self.table.setCellWidget(r, 2, kind)
        self.table.setItem(r, 3, QTableWidgetItem(row.get("standard", "")))

    def value(self):
        rows = []
        for r in range(self.table.rowCount()):
            name = (self.table.item(r, 0).text() if self.table.item(r, 0) else "").strip()
            if not name:
                continue
            rows.append({"name": name, "copies": self.table.cellWidget(r, 1).value(),
                         "kind": self.table.cellWidget(r, 2).currentData(),
                         "standard": (self.table.item(r, 3).text() if self.table.item(r, 3) else "").strip()})
        return rows or None

    def set_value(self, v) -> None:
        self.table.setRowCount(0)
        for row in v or ():
            self.add_row(row)


def field_editor(spec: FieldSpec, context: PageContext):
    t = spec.type
    if t in (FieldType.TEXT, FieldType.PHONE, FieldType.RESIDENT_ID, FieldType.CREDIT_CODE, FieldType.MONEY):
        return TextEditor()
    if t is FieldType.MULTILINE:
        return TextEditor(multiline=True)
    if t in (FieldType.DATE, FieldType.DATETIME):
        return DateEditor(with_time=t is FieldType.DATETIME)
    if t is FieldType.INTEGER:
        return IntEditor(spec)
    if t is FieldType.CHOICE:
        return ChoiceEditor([(c.value, c.label) for c in spec.choices])
    if t is FieldType.MULTICHOICE:
        return MultiChoiceEditor(spec)
    if t is FieldType.BOOL:
        return BoolEditor(spec.label)
    if t is FieldType.PARTY:
        return ChoiceEditor([(str(pid), name) for pid, name in context.parties])
    if t is FieldType.FILE:
        return ChoiceEditor(list(context.files))
    if t is FieldType.SERVICE_METHOD:
        return ChoiceEditor([(m.value, m.label) for m in ServiceMethod])
    if t is FieldType.OFFICERS:
        return OfficerPicker(context)
    if t is FieldType.MATERIALS:
        return MaterialsEditor()
    raise ValueError(f"unknown field type {t}")


class SignatureEditor:
    """One signature slot as recorded from the paper: who signed and when (and their opinion,
    or the refusal to sign with its note)."""

    def __init__(self, slot: SignatureSlot, context: PageContext):
        self.slot = slot
        self.widget = QWidget()
        form = QFormLayout(self.widget)
        form.setContentsMargins(0, 0, 0, 0)
        self.parts: dict[str, object] = {}
        if slot.kind is SignatureKind.SEAL:
            self.parts["sealed"] = BoolEditor("已加盖印章")
            form.addRow(self.parts["sealed"].widget)
        elif slot.kind is SignatureKind.OFFICERS:
            self.parts["signers"] = OfficerPicker(context, preselect=False)  # nobody has signed yet
            form.addRow("签名人：", self.parts["signers"].widget)
        elif slot.kind.is_list:
            self.parts["signers"] = NameListEditor()
            form.addRow("签名人：", self.parts["signers"].widget)
        else:
            self.parts["name"] = TextEditor()
            form.addRow("签名：", self.parts["name"].widget)
        if slot.kind.has_opinion:
            self.parts["opinion"] = TextEditor(multiline=True)
            form.addRow("意见：", self.parts["opinion"].widget)
        if slot.kind is SignatureKind.WITNESS:
            self.parts["unit"] = TextEditor()
            form.addRow("单位：", self.parts["unit"].widget)
        if slot.kind is SignatureKind.SUBSTITUTE_RECIPIENT:
            self.parts["relation"] = TextEditor()
            self.parts["reason"] = TextEditor()
            form.addRow("与受送达人关系：", self.parts["relation"].widget)
            form.addRow("代收事由：", self.parts["reason"].widget)
        if slot.refusal:
            self.parts["refused"] = BoolEditor("拒绝签名")
            self.parts["note"] = TextEditor()
            form.addRow(self.parts["refused"].widget)
            form.addRow("拒签情况：", self.parts["note"].widget)
        if slot.dated:
            self.parts["date"] = DateEditor()
            form.addRow("日期：", self.parts["date"].widget)

    def value(self):
        parts = {k: e.value() for k, e in self.parts.items()}
        parts = {k: v for k, v in parts.items() if v not in (None, False, "")}
        if parts.get("refused"):
            parts.pop("name", None)
        return parts or None

    def set_value(self, v) -> None:
        for key, editor in self.parts.items():
            editor.set_value((v or {}).get(key))
