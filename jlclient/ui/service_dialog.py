"""The dialog most forms use: fields in a form, OK runs a service call, a refusal is shown in red
and the dialog stays open with what was typed."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from jlclient.services.context import ServiceError
from jlclient.ui.error_label import clear_when_edited
from jlclient.ui.wheel_guard import guard_wheel_within
from jlclient.ui.work_dialog import ERROR_STYLE


class ServiceDialog(QDialog):
    """A form whose OK runs a service call; a refusal is shown in red and the dialog stays open."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = QLabel(objectName="dialogError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.addLayout(self.form)
        self.body.addWidget(self.error)
        self.body.addWidget(self.buttons)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        # subclasses add their fields after __init__: guard them once they are all there
        if not getattr(self, "_guarded", False):
            guard_wheel_within(self)
            clear_when_edited(self, self.error)
            self._guarded = True
        super().showEvent(event)

    def submit(self) -> None:
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self.submit()
        except ServiceError as exc:
            self.error.setText(str(exc))
            return
        super().accept()
