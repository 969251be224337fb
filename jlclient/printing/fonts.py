"""The CJK font printed documents use, shipped with the application and embedded in every PDF.

AR PL UMing (文鼎ＰＬ细上海宋, a Ming/Song face as official documents use for body text) under the
Arphic Public License, which allows redistribution (resources/fonts/ARPHICPL.TXT). It is a TrueType
collection: ReportLab embeds TrueType outlines, never CFF/OTF, and its built-in CID fonts are not
embedded, so they print blanks or boxes on machines without Asian font packs."""
from __future__ import annotations

from pathlib import Path
from threading import Lock

FONT_FILE = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "uming.ttc"
SONG = "UMing"          # ReportLab's name for the face
_lock = Lock()


def song() -> str:
    """Register the face once (about 70 ms) and return its name for setFont / ParagraphStyle."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    with _lock:
        if SONG not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(SONG, str(FONT_FILE), subfontIndex=0))
    return SONG
