"""One dialog for every written reason or approval comment: an override's reason, a refusal's
grounds, an approval's opinion. A reason that is required and left empty is refused with a
clear message while the dialog stays open, so nothing typed elsewhere is lost and nothing is
cancelled silently."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

from jlclient.ui.error_label import clear_when_edited


class ReasonDialog(QDialog):
    def __init__(self, title: str, prompt: str, *, required: bool, missing: str = "", ok_text: str = "",
                 parent=None):
        super().__init__(parent)
        self.setObjectName("ReasonDialog")
        self.setWindowTitle(title)
        self.required = required
        self.missing = missing or self.tr("请写明理由（不能为空）")
        text = QLabel(prompt, objectName="reasonPrompt")
        text.setWordWrap(True)
        self.text = QPlainTextEdit(objectName="reasonText")
        self.text.setTabChangesFocus(True)      # Tab reaches the buttons, as in every other field
        self.text.setPlaceholderText(self.tr("必填") if required else self.tr("选填"))
        self.error = QLabel(objectName="reasonError")
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        if ok_text:
            buttons.button(QDialogButtonBox.Ok).setText(ok_text)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.text)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        clear_when_edited(self, self.error)
        self.resize(520, 320)

    def reason(self) -> str:
        return self.text.toPlainText().strip()

    def accept(self) -> None:
        if self.required and not self.reason():
            self.error.setText(self.missing)
            self.text.setFocus()
            return
        super().accept()


def ask_reason(parent, title: str, prompt: str, *, required: bool = True, missing: str = "",
               ok_text: str = "") -> str | None:
    """The reason written, or None when the user cancelled."""
    dialog = ReasonDialog(title, prompt, required=required, missing=missing, ok_text=ok_text, parent=parent)
    return dialog.reason() if dialog.exec() == QDialog.Accepted else None
