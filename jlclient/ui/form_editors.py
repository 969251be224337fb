"""One editor widget per form field type and signature kind (forms/ drive them).

Each editor has ``widget``, ``value()`` (in the shape domain/forms.py documents) and
``set_value(v)``; an empty editor gives None so a draft keeps only what was typed.

Every editor is worked by keys: Tab and Shift+Tab move between fields, Enter in a one-line field
moves on (it never reaches the dialog's buttons, so it neither closes nor discards), a number is
selected when entered so typing replaces it, a choice is made by typing or the arrow keys, and
the wheel scrolls the page instead of changing a value (:mod:`jlclient.ui.wheel_guard`).
"""
from __future__ import annotations

import re
from functools import lru_cache

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QAbstractSpinBox, QApplication, QCheckBox,
                               QComboBox, QFormLayout, QHBoxLayout, QHeaderView, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QPushButton, QSpinBox, QStyledItemDelegate, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from jlclient.domain.forms import MATERIAL_COLUMNS, MATERIAL_KINDS, FieldSpec, FieldType, SignatureKind, SignatureSlot
from jlclient.domain.model import ServiceMethod
from jlclient.services.records import FormContext as PageContext
from jlclient.ui.date_edit import DateEdit
from jlclient.ui.wheel_guard import guard_wheel


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
    """A date (``with_time``: date and time) typed or picked from the calendar; None while empty.

    A typed text that is not a date is given back as typed, so the form refuses it with its
    problem named (a draft keeps it) and no other date is stored in its place; the field itself
    is framed red and says why (``widget.error()``)."""

    def __init__(self, with_time: bool = False):
        self.with_time = with_time
        self.widget = DateEdit(with_time)

    def clear(self) -> None:
        self.widget.clear()
        self.widget.normalise()

    def error(self) -> str | None:
        return self.widget.error()

    def value(self):
        if self.widget.error():
            return self.widget.text().strip()
        value = self.widget.value()
        if value is None:
            return None
        return value.isoformat(timespec="minutes") if self.with_time else value.isoformat()

    def set_value(self, v) -> None:
        self.widget.set_value(v)


class IntEditor:
    """A whole number; entering the field selects it, so what is typed replaces it."""

    def __init__(self, spec: FieldSpec):
        self.widget = QSpinBox()
        self.widget.setRange(int(spec.min) if spec.min is not None else 0, int(spec.max) if spec.max else 999999)
        select_on_focus(self.widget)

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


class _MaterialCells(QStyledItemDelegate):
    """Cell editors of a materials row: a number of copies, 原件/复印件, text. Tab in the last
    cell leaves the table for the 添加一行 button, so a row after row is typed without the mouse."""

    def __init__(self, editor: "MaterialsEditor"):
        super().__init__(editor.table)
        self.owner = editor

    def createEditor(self, parent, option, index):  # noqa: N802 (Qt name)
        column = MaterialsEditor.COLUMNS[index.column()]
        if column == "copies":
            box = QSpinBox(parent)
            box.setRange(1, 99)
        elif column == "kind":
            box = QComboBox(parent)
            for value, label in MATERIAL_KINDS.items():
                box.addItem(label, value)
        else:
            return super().createEditor(parent, option, index)
        guard_wheel(box)
        return box

    def setEditorData(self, editor, index):  # noqa: N802 (Qt name)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.UserRole))))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(index.data(Qt.EditRole) or 1))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):  # noqa: N802 (Qt name)
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.UserRole)
            model.setData(index, editor.currentText(), Qt.DisplayRole)
        elif isinstance(editor, QSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), Qt.EditRole)
        else:
            super().setModelData(editor, model, index)

    def eventFilter(self, editor, event) -> bool:  # noqa: N802 (Qt name)
        last = self.owner.table.currentColumn() == len(MaterialsEditor.COLUMNS) - 1
        if event.type() == QEvent.KeyPress and event.key() == Qt.Key_Tab and last and not event.modifiers():
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.NoHint)
            self.owner.add_button.setFocus(Qt.TabFocusReason)
            return True
        return super().eventFilter(editor, event)


class MaterialsEditor:
    """Rows of name, copies, original/copy, standard. 添加一行 (or Alt+A) adds a row and starts
    typing its name; Tab goes from cell to cell; a cell is edited by typing into it."""
    COLUMNS = tuple(MATERIAL_COLUMNS)

    def __init__(self):
        self.widget = QWidget()
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(MATERIAL_COLUMNS.values()))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.setMinimumHeight(110)
        self.table.setTabKeyNavigation(False)   # Tab leaves the table unless a cell is being edited
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                                   | QAbstractItemView.AnyKeyPressed | QAbstractItemView.SelectedClicked)
        self.table.setItemDelegate(_MaterialCells(self))
        add, remove = QPushButton("添加一行(&A)"), QPushButton("删除所选行")
        add.setObjectName("addMaterial")
        remove.setObjectName("removeMaterial")
        self.add_button = add
        add.clicked.connect(self._add_and_edit)
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def _add_and_edit(self) -> None:
        self.add_row({})
        r = self.table.rowCount() - 1
        self.table.setFocus(Qt.OtherFocusReason)
        self.table.setCurrentCell(r, 0)
        self.table.editItem(self.table.item(r, 0))

    def add_row(self, row: dict) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(row.get("name", "")))
        copies = QTableWidgetItem()
        copies.setData(Qt.EditRole, int(row.get("copies", 1)))
        self.table.setItem(r, 1, copies)
        kind_value = row.get("kind", "original")
        kind = QTableWidgetItem(MATERIAL_KINDS.get(kind_value, ""))
        kind.setData(Qt.UserRole, kind_value if kind_value in MATERIAL_KINDS else "original")
        self.table.setItem(r, 2, kind)
        self.table.setItem(r, 3, QTableWidgetItem(row.get("standard", "")))

    def _cell(self, r: int, c: int, role=Qt.DisplayRole):
        item = self.table.item(r, c)
        return item.data(role) if item is not None else None

    def value(self):
        rows = []
        for r in range(self.table.rowCount()):
            name = (self._cell(r, 0) or "").strip()
            if not name:
                continue
            rows.append({"name": name, "copies": int(self._cell(r, 1, Qt.EditRole) or 1),
                         "kind": self._cell(r, 2, Qt.UserRole),
                         "standard": (self._cell(r, 3) or "").strip()})
        return rows or None

    def set_value(self, v) -> None:
        self.table.setRowCount(0)
        for row in v or ():
            self.add_row(row)


class _FieldKeys(QObject):
    """Enter in a one-line field moves to the next field, as Tab does, instead of reaching the
    dialog's default button (which could close the page). Entering a number field selects it."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind == QEvent.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter) \
                and event.modifiers() in (Qt.NoModifier, Qt.KeypadModifier):
            watched.focusNextChild()   # a line edit finishes its editing as it loses the focus
            return True
        if kind == QEvent.FocusIn and isinstance(watched, QAbstractSpinBox) and event.reason() != Qt.PopupFocusReason:
            QTimer.singleShot(0, watched, watched.selectAll)   # after Qt has placed the cursor for a click
        return False


@lru_cache(maxsize=1)
def _field_keys() -> _FieldKeys:
    return _FieldKeys(QApplication.instance())


def select_on_focus(box: QAbstractSpinBox) -> None:
    box.installEventFilter(_field_keys())


_ONE_LINE = (QLineEdit, QAbstractSpinBox, QComboBox, QCheckBox, QAbstractItemView)


def enter_moves_on(widget) -> None:
    """Enter in this field or its parts (line edits, numbers, closed choices, check boxes, lists)
    moves to the next field; the inner line edit of a number or choice is its owner's business."""
    for w in (widget, *widget.findChildren(QWidget)):
        if isinstance(w, _ONE_LINE) and not isinstance(w.parentWidget(), (QAbstractSpinBox, QComboBox)):
            w.installEventFilter(_field_keys())


def entry_error(editor, key: str) -> str | None:
    """Why the text typed into a field, or into a part of a signature ("slot.date"), is not a value
    (日期无法识别：…), in the field's own words; None when the field has no such complaint."""
    part = key.split(".", 1)[1] if "." in key else None
    if part is not None:
        editor = getattr(editor, "parts", {}).get(part)
    error = getattr(editor, "error", None)
    return error() if callable(error) else None


def field_editor(spec: FieldSpec, context: PageContext):
    """The editor of one field, worked by keys (Enter moves on) and deaf to the wheel."""
    editor = _editor_for(spec, context)
    prepare_keys(editor.widget)
    return editor


def prepare_keys(widget) -> None:
    """Enter moves on and the wheel scrolls the page, for a field editor and its parts."""
    enter_moves_on(widget)
    guard_wheel(*(w for w in (widget, *widget.findChildren(QWidget)) if isinstance(w, (QComboBox, QAbstractSpinBox))))


def _editor_for(spec: FieldSpec, context: PageContext):
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
        prepare_keys(self.widget)

    def value(self):
        parts = {k: e.value() for k, e in self.parts.items()}
        parts = {k: v for k, v in parts.items() if v not in (None, False, "")}
        if parts.get("refused"):
            parts.pop("name", None)
        return parts or None

    def set_value(self, v) -> None:
        for key, editor in self.parts.items():
            editor.set_value((v or {}).get(key))
