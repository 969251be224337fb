"""A page generated from one legal form (forms/): fields grouped as the form groups them,
service-method groups shown only for the chosen method, signature slots, problems named."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from jlclient.domain.forms import FieldProblem, FieldType, FormSpec, active_method
from jlclient.ui.form_editors import PageContext, SignatureEditor, entry_error, field_editor

_BAD = "border: 1px solid #c0392b;"


class FormPage(QScrollArea):
    changed = Signal()

    def __init__(self, spec: FormSpec, context: PageContext, parent=None):
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"form_{spec.code}")
        self.setWidgetResizable(True)
        self.editors: dict[str, object] = {}
        self.boxes: dict[str | None, QGroupBox] = {}
        body = QWidget()
        self.layout_ = QVBoxLayout(body)
        title = QLabel(spec.title)
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.layout_.addWidget(title)
        if spec.help:
            hint = QLabel(spec.help)
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #555;")
            self.layout_.addWidget(hint)
        self.problem_label = QLabel(objectName="formProblems")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #c0392b;")
        self.layout_.addWidget(self.problem_label)
        self._build(context)
        self.layout_.addStretch(1)
        self.setWidget(body)
        self.set_values({**(context.defaults or {}), **((getattr(context, "by_form", None) or {}).get(spec.code) or {})})
        method = spec.method_field
        if method is not None:
            self.editors[method.key].widget.currentIndexChanged.connect(self._show_method_groups)
        self._show_method_groups()

    def _box(self, group_key: str | None) -> QFormLayout:
        if group_key not in self.boxes:
            group = self.spec.group(group_key) if group_key else None
            box = QGroupBox(group.label if group else self.tr("基本内容"))
            box.setLayout(QFormLayout())
            if group and group.help:
                note = QLabel(group.help)
                note.setWordWrap(True)
                box.layout().addRow(note)
            self.boxes[group_key] = box
            self.layout_.addWidget(box)
        return self.boxes[group_key].layout()

    def _build(self, context: PageContext) -> None:
        for f in self.spec.fields:
            editor = field_editor(f, context)
            editor.widget.setObjectName(f"field_{f.key}")
            editor.widget.setToolTip(f.help)
            self.editors[f.key] = editor
            label = "" if f.type is FieldType.BOOL else f"{f.label}{'＊' if f.required else ''}："
            self._box(f.group).addRow(label, editor.widget)
        for slot in self.spec.signatures:
            editor = SignatureEditor(slot, context)
            editor.widget.setObjectName(f"slot_{slot.key}")
            self.editors[slot.key] = editor
            self._box(slot.group).addRow(f"{slot.label}{'＊' if slot.required else ''}：", editor.widget)

    def _show_method_groups(self) -> None:
        method = active_method(self.spec, self.values())
        for key, box in self.boxes.items():
            box.setVisible(self.spec.is_active(key, method))

    def offer_file(self, reference: str, title: str) -> None:
        """A file added while the page is open becomes a choice of its file fields."""
        for f in self.spec.fields:
            if f.type is FieldType.FILE:
                self.editors[f.key].widget.addItem(title, reference)

    def values(self) -> dict:
        values = {key: editor.value() for key, editor in self.editors.items()}
        return {k: v for k, v in values.items() if v is not None}

    def set_values(self, values: dict) -> None:
        for key, value in values.items():
            if key in self.editors:
                self.editors[key].set_value(value)

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Name every problem above the form and mark the fields concerned."""
        for editor in self.editors.values():
            editor.widget.setStyleSheet("")
        for p in problems:
            editor = self.editors.get(p.key.split("[")[0].split(".")[0])
            if editor is not None:  # a selector, so the frame does not cascade to the editor's children
                editor.widget.setAttribute(Qt.WA_StyledBackground, True)
                editor.widget.setStyleSheet(f"#{editor.widget.objectName()} {{ {_BAD} }}")
        self.problem_label.setText("\n".join(
            f"• {p.label}：{entry_error(self.editors.get(p.key.split('[')[0].split('.')[0]), p.key) or p.message}"
            for p in problems))
        if problems:
            self.ensureVisible(0, 0)
