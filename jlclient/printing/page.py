"""The official A4 page (GB/T 9704-2012 margins: top 37 mm, left 28 mm, a 156 × 225 mm text area),
with "第 x 页 共 y 页" in the footer and, on a record of several pages, the cross-page seal mark
(骑缝) on the right edge of every page — so a page taken out or put in shows. A record signed page
by page (an inquiry record) carries its signer's lines above the page number on every page."""
from __future__ import annotations

import re
from functools import partial
from io import BytesIO

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import standardFonts
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from jlclient.printing.fonts import song

MARGINS = {"topMargin": 37 * mm, "bottomMargin": 35 * mm, "leftMargin": 28 * mm, "rightMargin": 26 * mm}
FOOTER_LINE = 6 * mm   # each line signed on every page takes this much of the text area


class EmbeddedCanvas(Canvas):
    """A canvas that names no font it does not embed. ReportLab starts every canvas, and every table
    cell, in Helvetica, one of the PDF standard fonts it never embeds (a reader without it substitutes
    a face of its own, and an archive's check finds an unembedded font); here the page starts in the
    embedded CJK face, and a standard font asked for (a table cell's default) is that face too."""

    def __init__(self, *args, **kwargs):
        # a doc template passes initialFontName=None explicitly, so a mere default would not take
        super().__init__(*args, **{**kwargs, "initialFontName": kwargs.get("initialFontName") or song()})

    def setFont(self, psfontname: str, size: float, leading: float | None = None) -> None:  # noqa: N802
        super().setFont(song() if psfontname in standardFonts else psfontname, size, leading)


class NumberedCanvas(EmbeddedCanvas):
    """Keeps every page until the end, so each footer can say how many pages there are."""

    def __init__(self, *args, footer: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._lines = footer

    def showPage(self) -> None:  # noqa: N802 (ReportLab name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(total)
            if total > 1:
                self._seam_mark()
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        self.setFont(song(), 10.5)
        self.drawCentredString(self._pagesize[0] / 2, 20 * mm, f"第 {self._pageNumber} 页 共 {total} 页")
        for i, line in enumerate(reversed(self._lines)):   # the last line nearest the page number
            self.drawString(MARGINS["leftMargin"], 27 * mm + i * FOOTER_LINE, line)

    def _seam_mark(self) -> None:
        """A half seal circle on the right edge: the agency stamps across it and the next page."""
        x, y, r = self._pagesize[0], self._pagesize[1] / 2, 20 * mm
        self.saveState()
        self.setDash(3, 2)
        self.setStrokeGray(0.55)
        self.circle(x, y, r)
        self.setFillGray(0.45)
        self.setFont(song(), 9)
        for i, ch in enumerate("骑缝章"):
            self.drawCentredString(x - 7 * mm, y + 6 * mm - i * 5 * mm, ch)
        self.restoreState()


class PlainCanvas(EmbeddedCanvas):
    """A page without footer or seam mark: a file's cover, index and remarks sheet are not numbered."""


def build(story: list, title: str, author: str = "", numbered: bool = True, wide: bool = False,
          footer: list[str] | tuple[str, ...] = ()) -> bytes:
    """The PDF of ``story`` on official A4 pages (``wide``: landscape, for ledgers with many columns);
    ``numbered=False`` leaves out the page numbers and seam marks (the archive's cover, file index and
    remarks sheet); ``footer``: lines printed at the foot of every numbered page (a signer's line),
    for which the text area ends higher."""
    out = BytesIO()
    margins = dict(MARGINS, bottomMargin=MARGINS["bottomMargin"] + len(footer) * FOOTER_LINE)
    doc = SimpleDocTemplate(out, pagesize=landscape(A4) if wide else A4, title=title, author=author,
                            creator="jlclient", **margins)
    maker = partial(NumberedCanvas, footer=tuple(footer)) if numbered else PlainCanvas
    doc.build(story, canvasmaker=maker)
    return out.getvalue()


_PAGES = re.compile(rb"/Count (\d+) /Kids \[[^\]]*\] /Type /Pages")


def page_count(pdf: bytes) -> int:
    """The pages of a PDF this module built (ReportLab writes one flat page tree)."""
    found = _PAGES.search(pdf)
    if found is None:
        raise ValueError("not a PDF built by jlclient.printing")
    return int(found.group(1))
