"""A refusal shown in red goes once the user changes what was refused: a fixed error never stays red."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QListWidget, QPlainTextEdit, QTextEdit


def clear_when_edited(root, label: QLabel) -> None:
    """Clear ``label`` as soon as any field under ``root`` is edited, chosen or ticked."""
    clear = label.clear
    for w in root.findChildren(QLineEdit):
        w.textEdited.connect(clear)
    for w in (*root.findChildren(QPlainTextEdit), *root.findChildren(QTextEdit)):
        w.textChanged.connect(clear)
    for w in root.findChildren(QComboBox):
        w.activated.connect(clear)              # a choice by the user, not one made by the program
    for w in root.findChildren(QAbstractButton):
        if w.isCheckable():
            w.clicked.connect(clear)
    for w in root.findChildren(QListWidget):
        w.itemChanged.connect(clear)            # a material ticked or unticked
