"""A page generated from one legal form (forms/): fields grouped as the form groups them,
service-method groups shown only for the chosen method, signature slots, problems named."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractSlider, QFormLayout, QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from jlclient.domain.citation import in_words
from jlclient.domain.forms import COMPUTED, FieldProblem, FieldType, FormSpec, active_method
from jlclient.ui.form_editors import PageContext, SignatureEditor, entry_error, field_editor

_BAD = "border: 1px solid #c0392b;"
# What an editor (or a widget inside it) announces when the user changes it, by widget kind.
_EDIT_SIGNALS = ("textChanged", "dateTimeChanged", "valueChanged", "currentIndexChanged", "toggled", "itemChanged",
                 "cellChanged")


class ComputedField:
    """A value the system fills in (the pages of a record as printed): shown, never typed."""

    def __init__(self, kind: str):
        self.placeholder = COMPUTED[kind]
        self.widget = QLabel(self.placeholder)
        self.widget.setStyleSheet("color: #555;")

    def value(self):
        return None

    def set_value(self, v) -> None:
        self.widget.setText(self.placeholder if v in (None, "") else f"{v}（{self.placeholder}）")


def _problem_key(problem: FieldProblem) -> str:
    """The field or slot a problem belongs to: officers[1].cert_no → officers."""
    return problem.key.split("[")[0].split(".")[0]


class FormPage(QScrollArea):
    changed = Signal()   # the user changed a value

    def __init__(self, spec: FormSpec, context: PageContext, parent=None):
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"form_{spec.code}")
        self.setWidgetResizable(True)
        self.editors: dict[str, object] = {}
        self.boxes: dict[str | None, QGroupBox] = {}
        self.problems: list[FieldProblem] = []
        self.titles = context.titles or {}     # seed -> regulation title: texts cite 《…》第N条
        body = QWidget()
        self.layout_ = QVBoxLayout(body)
        title = QLabel(spec.title)
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.layout_.addWidget(title)
        if spec.help:
            hint = QLabel(self.words(spec.help))
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
        for key, editor in self.editors.items():
            self._watch(key, editor.widget)

    def words(self, text: str) -> str:
        """A form's text as people read it: its short citations (as the form files write them) in words."""
        return in_words(text, self.titles) if text else text

    def _watch(self, key: str, widget: QWidget) -> None:
        """An edit of a field takes its red mark away at once: the user sees the fix counted."""
        for w in (widget, *widget.findChildren(QWidget)):
            if isinstance(w, QAbstractSlider):   # scrolling a list is no edit
                continue
            for name in _EDIT_SIGNALS:
                if hasattr(w, name):
                    getattr(w, name).connect(lambda *_, k=key: self._edited(k))
                    break

    def _edited(self, key: str) -> None:
        if any(_problem_key(p) == key for p in self.problems):
            self.show_problems([p for p in self.problems if _problem_key(p) != key], scroll=False)
        self.changed.emit()

    def _box(self, group_key: str | None) -> QFormLayout:
        if group_key not in self.boxes:
            group = self.spec.group(group_key) if group_key else None
            box = QGroupBox(group.label if group else self.tr("基本内容"))
            box.setLayout(QFormLayout())
            if group and group.help:
                note = QLabel(self.words(group.help))
                note.setWordWrap(True)
                box.layout().addRow(note)
            self.boxes[group_key] = box
            self.layout_.addWidget(box)
        return self.boxes[group_key].layout()

    def _build(self, context: PageContext) -> None:
        for f in self.spec.fields:
            editor = ComputedField(f.computed) if f.computed else field_editor(f, context)
            editor.widget.setObjectName(f"field_{f.key}")
            editor.widget.setToolTip(self.words(f.help))
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

    def show_problems(self, problems: list[FieldProblem], scroll: bool = True) -> None:
        """Name every problem above the form and mark the fields concerned (``scroll``: bring the list
        into view; not while the user works down it)."""
        self.problems = list(problems)
        for editor in self.editors.values():
            editor.widget.setStyleSheet("")
        for p in problems:
            editor = self.editors.get(_problem_key(p))
            if editor is not None:  # a selector, so the frame does not cascade to the editor's children
                editor.widget.setAttribute(Qt.WA_StyledBackground, True)
                editor.widget.setStyleSheet(f"#{editor.widget.objectName()} {{ {_BAD} }}")
        self.problem_label.setText("\n".join(
            f"• {p.label}：{entry_error(self.editors.get(_problem_key(p)), p.key) or self.words(p.message)}"
            for p in problems))
        if problems and scroll:
            self.ensureVisible(0, 0)
