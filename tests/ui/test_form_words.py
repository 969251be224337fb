"""Every stage form reads in words: its help, group notes, tooltips and refusals cite the regulation
by its title and article (《…办法》第十四条), never 'seed 000 Art. 14'."""
from PySide6.QtWidgets import QLabel, QWidget

from jlclient.services import citations
from jlclient.services.forms import list_forms
from jlclient.services.records import FormContext
from jlclient.ui.form_page import FormPage


def _texts(page: FormPage) -> list[str]:
    texts = [w.text() for w in page.findChildren(QLabel)]
    texts += [w.toolTip() for w in page.findChildren(QWidget)]
    return [t for t in texts if t]


def test_no_form_page_shows_a_short_citation(qtbot, demo_ctx):
    titles = citations.read_titles(demo_ctx)
    cited = 0
    for spec in list_forms():
        page = FormPage(spec, FormContext(titles=titles))
        qtbot.addWidget(page)
        page.show_problems(__import__("jlclient.domain.forms", fromlist=["validate_values"]).validate_values(
            spec, {}, final=True))
        texts = _texts(page)
        leaks = [t for t in texts if "seed" in t or "Art." in t]
        assert not leaks, (spec.code, leaks[:3])
        cited += sum("》第" in t for t in texts)
    assert cited > 20      # the forms do cite: in words
