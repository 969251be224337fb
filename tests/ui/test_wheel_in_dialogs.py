"""The wheel over a dialog's choice never changes it: a clerk scrolling the intake dialog or a
service dialog keeps the matter, kind or reason she chose."""
from PySide6.QtWidgets import QComboBox, QLineEdit

from jlclient.ui.footage_dialogs import CameraDialog
from jlclient.ui.intake_dialog import IntakeDialog
from tests.support.keys import Keys


def _shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_wheel_over_the_intake_dialogs_choices_changes_nothing(qtbot, demo_ctx, login_as):
    dialog = _shown(qtbot, IntakeDialog(demo_ctx, login_as("clerk")))
    keys = Keys(qtbot)
    kind = dialog.kind.currentIndex()
    keys.wheel(dialog.kind, notches=-3)
    keys.wheel(dialog.kind, notches=3)
    assert dialog.kind.currentIndex() == kind


def test_the_wheel_over_a_service_dialogs_choice_changes_nothing(qtbot, demo_ctx, login_as):
    dialog = _shown(qtbot, CameraDialog(demo_ctx, login_as("admin"), serial="DSJ0042"))
    combos = dialog.findChildren(QComboBox)
    assert combos, "the register dialog offers the officers to issue the camera to"
    before = [c.currentIndex() for c in combos]
    keys = Keys(qtbot)
    for c in combos:
        keys.wheel(c, notches=-2)
    assert [c.currentIndex() for c in combos] == before


def test_a_fixed_error_does_not_stay_red(qtbot, demo_ctx, login_as):
    """The refusal goes as soon as the clerk corrects what was refused."""
    dialog = _shown(qtbot, CameraDialog(demo_ctx, login_as("admin"), serial=""))
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    keys = Keys(qtbot)
    dialog.accept()                        # OK with nothing typed
    assert dialog.error.text() and dialog.isVisible()
    field = next(w for w in dialog.findChildren(QLineEdit) if w.isEnabled() and not w.isReadOnly())
    keys.type(field, "DSJ0042")
    assert dialog.error.text() == ""
