"""HTML to tagged PDF/A for determination letters, with WeasyPrint.

Plain functions, no Django: the letters app renders its template to a string and calls :func:`render_pdf`.

- Two PDF/A parts, chosen by the caller (see :data:`PDF_VARIANTS`): PDF/A-3b (PDF 1.7), the default, and PDF/A-4
  (PDF 2.0) for letters signed with an elliptic-curve key, whose signature pyHanko declares as an ISO/TS 32002
  extension of PDF 2.0. Both are tagged (structure tree, ``/Lang`` from ``<html lang>``, reading order).

- Every letter gets ``static_pdf/letter.css`` first (fonts shipped in ``fonts/``, US Letter, 1 in margins,
  "Page N of M" and the running case number).
- Only ``file:`` and ``data:`` resources are fetched, and ``file:`` only from ``fonts/``, ``static_pdf/`` and the
  ``base_url`` folder: anything else stops the render with :class:`ResourceRefused` at once, never a network wait
  and never a letter that silently lacks an image.
- One ``FontConfiguration`` and one parsed stylesheet per process (keyed on ``os.getpid()``), built lazily so that
  prefork workers each get their own; call :func:`warm_up` from ``worker_process_init`` to pay for it early.
- The cyclic garbage collector is kept out of a render's way (benchmarks/RESULTS-letters.md, "Against Chromium"):
  paused while WeasyPrint works (:func:`_collector_paused`), and after :func:`warm_up` blind to what the process
  already holds (``gc.freeze()``).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import re
import threading
from dataclasses import dataclass
from html import escape as escape_html
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import qrcode
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

PACKAGE_DIR = Path(__file__).resolve().parent
FONTS_DIR = PACKAGE_DIR / "fonts"
STATIC_PDF_DIR = PACKAGE_DIR / "static_pdf"
STYLESHEET_PATH = STATIC_PDF_DIR / "letter.css"
# Folders every letter may read files from, whatever its base_url. Not the whole package: nothing but fonts and
# letter assets should ever be embeddable (WeasyPrint embeds any file a <a rel="attachment"> points at).
ASSET_FOLDERS = (FONTS_DIR, STATIC_PDF_DIR)
PDF_A_3B = "pdf/a-3b"
PDF_A_4 = "pdf/a-4"
PDF_VARIANTS = (PDF_A_3B, PDF_A_4)
PDF_VARIANT = PDF_A_3B  # the default
# WeasyPrint 70 has no plain "pdf/a-4": its "pdf/a-4u" writes PDF 2.0 with pdfaid:part 4 and rev 2020, but also
# pdfaid:conformance "U", which PDF/A-4 does not define (its levels are none, E and F). _plain_pdf_a_4 removes it.
_WEASYPRINT_VARIANTS = {PDF_A_3B: "pdf/a-3b", PDF_A_4: "pdf/a-4u"}
SIGNATURE_BLOCK_ID = "signature-block"
# WeasyPrint lays out in CSS pixels; at zoom 1 one CSS px is 0.75 PDF point (96 px = 72 pt = 1 in).
POINTS_PER_CSS_PIXEL = 0.75


class ResourceRefused(ValueError):
    """A letter asked for a resource it may not use (remote URL, or a local file outside the allowed folders)."""


class LetterRenderError(RuntimeError):
    """A resource the letter needs could not be loaded (missing file, broken data: URL...)."""


@dataclass(frozen=True)
class SignatureBox:
    """Where the element with id ``signature-block`` landed: a page index and a rectangle in PDF points.

    ``rect`` is ``(x1, y1, x2, y2)`` with the origin at the bottom left of the page, the form pyHanko takes
    for a signature field's box; ``page_index`` counts from 0, like pyHanko's ``on_page``.
    """

    page_index: int
    rect: tuple[float, float, float, float]


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    page_count: int
    signature_box: SignatureBox | None


class LocalOnlyURLFetcher(URLFetcher):
    """Fetch ``data:`` URLs, and ``file:`` URLs inside ``allowed_folders``; refuse everything else."""

    def __init__(self, allowed_folders: tuple[Path, ...]) -> None:
        # fail_on_errors: WeasyPrint would otherwise log the failure and go on without the resource.
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
        self.allowed_folders = allowed_folders

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(folder) for folder in self.allowed_folders):
                raise ResourceRefused(f"Letter resource refused: {path} is outside the letter's folders.")
        elif scheme != "data":
            raise ResourceRefused(f"Letter resource refused: {url} (only file: and data: URLs are allowed).")
        return super().fetch(url, headers)


class _ProcessFontConfiguration(FontConfiguration):
    """A FontConfiguration that only its own process may clean up.

    WeasyPrint copies ``@font-face`` files to a temporary folder and deletes it when the configuration is collected.
    A forked child holds a copy of its parent's configuration: collecting that copy must not delete the parent's
    folder, which the parent and its other children still read.
    """

    def __init__(self) -> None:
        super().__init__()
        self.owner_pid = os.getpid()

    def __del__(self) -> None:
        if os.getpid() == self.owner_pid:
            super().__del__()


class _Engine:
    """What one process reuses across renders: fonts registered once, the base stylesheet parsed once."""

    def __init__(self) -> None:
        self.fetcher = LocalOnlyURLFetcher(ASSET_FOLDERS)
        self.font_config = _ProcessFontConfiguration()
        self.stylesheet = CSS(filename=str(STYLESHEET_PATH), font_config=self.font_config, url_fetcher=self.fetcher)
        # WeasyPrint does not promise that one FontConfiguration may be used by two threads at once.
        self.lock = threading.Lock()


_engines: dict[int, _Engine] = {}
_engines_lock = threading.Lock()


def _reset_lock_in_child() -> None:
    global _engines_lock
    _engines_lock = threading.Lock()


def _release_engines() -> None:
    # Free the Pango and Fontconfig objects while their libraries are still loaded: left to the interpreter's last
    # garbage collection they are finalized after the libraries are gone, and the process dies with SIGSEGV at exit.
    _engines.clear()
    gc.collect()


os.register_at_fork(after_in_child=_reset_lock_in_child)
atexit.register(_release_engines)


def _engine() -> _Engine:
    pid = os.getpid()
    engine = _engines.get(pid)
    if engine is None:
        with _engines_lock:
            engine = _engines.get(pid)
            if engine is None:
                _engines.clear()  # a parent's engine, inherited through fork
                engine = _engines[pid] = _Engine()
    return engine


def warm_up() -> None:
    """Register the fonts, parse the stylesheet and render a first page now (Celery's ``worker_process_init``), then
    move everything the process holds out of the garbage collector's sight.

    A letter worker holds some 260,000 objects (Django, the apps, WeasyPrint, Pango's fonts) that live as long as it
    does. A full collection walks all of them: about 200 ms, every eighth letter or so, 25-40 ms a letter on average.
    Frozen (``gc.freeze()``), they are never walked again; what a letter leaves behind is still collected."""
    render_pdf('<html lang="en"><p>Warm-up.</p></html>')
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def _collector_paused():
    """No automatic garbage collection while WeasyPrint renders a letter.

    WeasyPrint keeps a letter's box tree alive until the PDF is written (some 7,700 container objects for three
    pages): the collector ran about eleven young collections per letter, each walking that live tree again, and
    promoted it to the old generations for later full collections to walk once more. When the render returns,
    reference counting frees most of it; the ~5,000 objects left in cycles are all still young, so the first
    collection after the render frees them in one go. Paused only if it was running (a caller may have disabled it
    for reasons of its own)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _allowed_folders(base_url: str | None) -> tuple[Path, ...]:
    folders = list(ASSET_FOLDERS)
    if base_url:
        if base_url.startswith("file:"):
            base_path = Path(url2pathname(urlsplit(base_url).path))
        elif "://" in base_url or base_url.startswith("data:"):
            return tuple(folders)
        else:
            base_path = Path(base_url)
        base_path = base_path.resolve()
        folders.append(base_path if base_path.is_dir() else base_path.parent)
    return tuple(folders)


def _find_signature_box(document: Document) -> SignatureBox | None:
    for page_index, page in enumerate(document.pages):
        # Pre-order walk: the first box of the element is its outermost one (anonymous line boxes inside it share
        # the element). CSS keeps the block on one page (break-inside: avoid), so its first fragment is all of it.
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is not None and element.get("id") == SIGNATURE_BLOCK_ID:
                left = box.border_box_x()
                top = box.border_box_y()
                right = left + box.border_width()
                bottom = top + box.border_height()
                return SignatureBox(
                    page_index=page_index,
                    rect=(
                        round(left * POINTS_PER_CSS_PIXEL, 2),
                        round((page.height - bottom) * POINTS_PER_CSS_PIXEL, 2),
                        round(right * POINTS_PER_CSS_PIXEL, 2),
                        round((page.height - top) * POINTS_PER_CSS_PIXEL, 2),
                    ),
                )
    return None


def _plain_pdf_a_4(document: Document, pdf) -> None:
    """WeasyPrint finisher: drop the ``pdfaid:conformance="U"`` that its pdf/a-4u variant writes."""
    reference = pdf.catalog["Metadata"]
    metadata = pdf.objects[int(reference.split()[0])]
    content = b"".join(metadata.stream)
    cleaned = re.sub(rb'\s+pdfaid:conformance="[^"]*"', b"", content)
    if cleaned == content:
        raise LetterRenderError("WeasyPrint's PDF/A-4 metadata changed: no pdfaid:conformance to remove.")
    metadata.stream = [cleaned]


def render_pdf(html: str, *, base_url: str | None = None, pdf_variant: str = PDF_VARIANT) -> RenderedPdf:
    """Render a letter's HTML to tagged PDF/A bytes (``pdf_variant``: one of :data:`PDF_VARIANTS`), with fonts
    embedded and subset.

    ``base_url`` resolves relative URLs; ``file:`` resources are allowed under its folder, ``fonts/`` and
    ``static_pdf/``: give it the folder of the letter's assets, not the project root.
    Raises :class:`ResourceRefused` for any other resource, :class:`LetterRenderError` when an allowed one is broken.
    """
    if pdf_variant not in PDF_VARIANTS:
        raise ValueError(f"pdf_variant must be one of {', '.join(PDF_VARIANTS)}, not {pdf_variant!r}")
    weasyprint_variant = _WEASYPRINT_VARIANTS[pdf_variant]
    finisher = _plain_pdf_a_4 if pdf_variant == PDF_A_4 else None
    engine = _engine()
    fetcher = LocalOnlyURLFetcher(_allowed_folders(base_url))
    with engine.lock, _collector_paused():
        # The document (WeasyPrint's whole box tree) lives in _render's frame only: it is gone before the collector
        # runs again, so the cycles it leaves are collected while young instead of being promoted with it.
        return _render(html, base_url, fetcher, engine, weasyprint_variant, finisher)


def _render(
    html: str, base_url: str | None, fetcher: URLFetcher, engine: _Engine, variant: str, finisher
) -> RenderedPdf:
    try:
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=engine.font_config, stylesheets=[engine.stylesheet], pdf_variant=variant, pdf_tags=True
        )
        signature_box = _find_signature_box(document)
        pdf = document.write_pdf(pdf_variant=variant, pdf_tags=True, finisher=finisher)
    except FatalURLFetchingError as error:
        # WeasyPrint wraps the fetcher's exception in a BaseException; give callers an ordinary one.
        cause = error.__cause__
        if isinstance(cause, ResourceRefused):
            raise ResourceRefused(str(cause)) from None
        raise LetterRenderError(f"{error}: {cause}") from cause
    return RenderedPdf(pdf=pdf, page_count=len(document.pages), signature_box=signature_box)


def _qr_path(matrix: list[list[bool]]) -> str:
    """The dark modules of a QR matrix as one SVG path of disjoint rectangles (a run of modules in a row, grown down
    over the rows that repeat it). The same picture as one square per module, in about a quarter of the path
    commands: WeasyPrint parses and draws an SVG path command by command, in Python, and the per-module path of
    qrcode's ``SvgPathImage`` (about 2,800 commands) cost more than the rest of the verification block."""
    size = len(matrix)
    taken = [[False] * size for _ in range(size)]
    parts = []
    for y in range(size):
        x = 0
        while x < size:
            if not matrix[y][x] or taken[y][x]:
                x += 1
                continue
            width = 1
            while x + width < size and matrix[y][x + width] and not taken[y][x + width]:
                width += 1
            height = 1
            while y + height < size and all(
                matrix[y + height][column] and not taken[y + height][column] for column in range(x, x + width)
            ):
                height += 1
            for row in range(y, y + height):
                taken[row][x : x + width] = [True] * width
            parts.append(f"M{x},{y}h{width}v{height}h-{width}z")
            x += width
    return "".join(parts)


def qr_code_svg(url: str) -> str:
    """An inline ``<svg>`` QR code of ``url`` (error correction M, 4-module quiet zone), sized by CSS.

    Put it inside an element with class ``verification-qr``; letter.css gives that box its size. Its ``<title>``
    names the URL: the alternate text of the figure in the tagged PDF.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()  # with the quiet zone
    size = len(matrix)
    # The <title> becomes the /Alt text of the figure in the tagged PDF.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {size} {size}" '
        f'width="{size}mm" height="{size}mm"><title>QR code of {escape_html(url)}</title>'
        f'<path d="{_qr_path(matrix)}" fill="#000000" stroke="none"/></svg>'
    )
