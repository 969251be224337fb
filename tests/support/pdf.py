"""Reading printed PDFs back with poppler (pdftotext, pdfinfo, pdffonts, pdftoppm), for the printing tests."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import cv2
import numpy as np

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def squash(text: str) -> str:
    return "".join(text.split())


def pdftotext(pdf: bytes, first: int | None = None) -> str:
    """The text in drawing order (-raw: a wrapped cell's lines stay together), of one page if asked."""
    pages = ["-f", str(first), "-l", str(first)] if first else []
    return subprocess.run(["pdftotext", "-raw", *pages, "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()


def page_count(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def words(pdf: bytes, tmp_path: Path, page: int | None = 1) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) in points from the top-left corner; of one page, or all (None)."""
    path = tmp_path / "bbox.pdf"
    path.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", "-bbox", *pages, str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in _WORD.findall(out)]


def right_edges(pdf: bytes, tmp_path: Path) -> list[float]:
    return [x_max for _, _, _, x_max, _ in words(pdf, tmp_path, page=None)]


def fonts(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]


def assert_fonts_embedded(pdf: bytes, tmp_path: Path) -> None:
    """The CJK face embedded, and no font referenced that is not (pdffonts: every row "emb yes")."""
    listed = fonts(pdf, tmp_path)
    assert any("UMing" in f for f in listed), listed
    assert all(f.split()[-5] == "yes" for f in listed), listed


def pages_png(pdf: bytes, tmp_path: Path, dpi: int = 100) -> list[np.ndarray]:
    path = tmp_path / "png.pdf"
    path.write_bytes(pdf)
    for old in tmp_path.glob("pg*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), str(tmp_path / "pg")], check=True)
    return [cv2.imread(str(p), cv2.IMREAD_GRAYSCALE) for p in sorted(tmp_path.glob("pg*.png"))]


def assert_not_blank(pdf: bytes, tmp_path: Path, pages: int | None = None) -> None:
    images = pages_png(pdf, tmp_path)
    assert images and (pages is None or len(images) == pages)
    for im in images:
        assert (im < 160).mean() > 0.001
