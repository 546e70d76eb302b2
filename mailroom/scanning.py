"""Reading a scanned batch: each page rasterized with ``pdftoppm`` (poppler-utils), its QR codes read with zxing-cpp,
and the batch split at its cover sheets. No database here: plain functions over bytes and page numbers.

A page is one of three things:
- a cover sheet: a QR code of ours (``IMR1:``), read and checked (:func:`mailroom.sheets.read_payload`);
- an unreadable sheet: a QR code was found but could not be decoded (a blot, a fold, a torn corner). It starts a new
  range all the same, which goes to the exceptions queue: a damaged sheet must never glue its document to the one
  before;
- a document page: anything else, a page with another QR code (a letter's verification code) included.
A sheet too damaged for its QR code even to be found reads as a document page: its pages join the previous document.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image

from mailroom.sheets import SheetReading, is_cover_sheet_text, read_payload

# 100 dpi: a module of the 2.2 in code is ~6 pixels, enough for crooked and noisy scans, and about a fax's own
# resolution (204 x 98 dpi in standard mode); 150 dpi reads the same pages at twice the time (pdftoppm is most of it).
RESOLUTION = 100
CHUNK = 8  # pages rasterized per pdftoppm run (progress is saved after each)
PDFTOPPM_TIMEOUT = 120  # seconds a chunk may take

QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
UNREADABLE = "The cover sheet's barcode was found but could not be read (damaged, blotted or folded)."


class RasterizeError(RuntimeError):
    """pdftoppm failed on the batch (a damaged PDF)."""


@dataclass(frozen=True)
class PageReading:
    page: int  # 1-based
    sheet: SheetReading | None  # a cover sheet, genuine or not; None for a document page


def read_image(image: Image.Image, page: int) -> PageReading:
    barcodes = zxingcpp.read_barcodes(image, formats=QR_ONLY, return_errors=True)
    readable = [code.text for code in barcodes if code.valid]
    ours = [text for text in readable if is_cover_sheet_text(text)]
    if ours:
        return PageReading(page, read_payload(ours[0]))
    if any(not code.valid for code in barcodes) and not readable:
        return PageReading(page, SheetReading("", problem=UNREADABLE))
    return PageReading(page, None)


def rasterize(path: Path, first: int, last: int) -> Iterator[tuple[int, Image.Image]]:
    """Pages ``first``..``last`` (1-based) of the PDF at ``path`` as greyscale images, in order."""
    with tempfile.TemporaryDirectory(prefix="mailroom-") as folder:
        prefix = Path(folder) / "page"
        try:
            subprocess.run(
                ["pdftoppm", "-r", str(RESOLUTION), "-gray", "-f", str(first), "-l", str(last), str(path), str(prefix)],
                check=True,
                capture_output=True,
                timeout=PDFTOPPM_TIMEOUT,
            )
        except subprocess.CalledProcessError as error:
            message = error.stderr.decode("utf-8", "replace").strip()[:300]
            raise RasterizeError(f"pdftoppm could not read pages {first}-{last}: {message}") from None
        except subprocess.TimeoutExpired:
            raise RasterizeError(f"pdftoppm took more than {PDFTOPPM_TIMEOUT} s on pages {first}-{last}.") from None
        # pdftoppm numbers its files page-N.pgm with N zero-padded to the width of the last page number.
        for file in sorted(Path(folder).glob("page-*.pgm"), key=lambda item: int(item.stem.rsplit("-", 1)[1])):
            with Image.open(file) as image:
                image.load()
                yield int(file.stem.rsplit("-", 1)[1]), image


def read_pages(
    path: Path, page_count: int, *, start: int = 1, progress: Callable[[int], object] | None = None
) -> list[PageReading]:
    """The reading of every page from ``start``; ``progress(pages done)`` after each chunk."""
    readings: list[PageReading] = []
    for first in range(start, page_count + 1, CHUNK):
        last = min(first + CHUNK - 1, page_count)
        readings.extend(read_image(image, page) for page, image in rasterize(path, first, last))
        if progress is not None:
            progress(last)
    return readings


@dataclass(frozen=True)
class Segment:
    """A range of pages: a document behind a genuine sheet (``problem`` empty), or pages for the exceptions queue."""

    first_page: int  # the document's first page; for an exception, the sheet's page when there is one
    last_page: int
    sheet_page: int | None
    sheet: SheetReading | None
    reason: str = ""  # the exception's reason (ScanException.Reason), empty for a document to file
    detail: str = ""


def split(readings: list[PageReading], page_count: int) -> list[Segment]:
    """Split a batch at its cover sheets: the pages after each sheet up to the next are its document."""
    sheets = [reading for reading in readings if reading.sheet is not None]
    segments = []
    first_sheet = sheets[0].page if sheets else page_count + 1
    if first_sheet > 1:
        segments.append(
            Segment(1, first_sheet - 1, None, None, "no_sheet", "These pages came before any readable cover sheet.")
        )
    for index, reading in enumerate(sheets):
        end = sheets[index + 1].page - 1 if index + 1 < len(sheets) else page_count
        sheet = reading.sheet
        assert sheet is not None
        if end == reading.page:
            segments.append(Segment(reading.page, end, reading.page, sheet, "empty", "No page followed this sheet."))
        elif sheet.problem:
            reason = "unreadable" if sheet.problem == UNREADABLE else "bad_sheet"
            segments.append(Segment(reading.page, end, reading.page, sheet, reason, sheet.problem))
        else:
            segments.append(Segment(reading.page + 1, end, reading.page, sheet))
    return segments
