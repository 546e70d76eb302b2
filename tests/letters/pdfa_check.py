"""A PDF/A conformance check of our own, for the tests (no PDF/A validator can be installed here).

It does not replace veraPDF: it checks the rules a signed letter can break in practice, read with pypdf from the
bytes as a reader sees them (the last revision of an incrementally updated file):

- the file header's version, the catalog's ``/Version`` and every ``/Extensions`` entry against the PDF version the
  claimed PDF/A part is based on (PDF/A-1: 1.4, PDF/A-2 and -3: 1.7, PDF/A-4: 2.0);
- the XMP identification: ``pdfaid:part``, ``pdfaid:conformance`` valid for that part (A/B/U for parts 2 and 3,
  none or E/F for part 4) and ``pdfaid:rev`` for part 4; optionally equal to the part and conformance expected;
- every font reachable from a page (content, form XObjects, annotation appearances) embedded;
- an output intent ``/GTS_PDFA1`` with its ICC profile;
- no encryption; no JavaScript anywhere (``/JS``, ``/S /JavaScript`` actions, a ``/JavaScript`` name tree, an
  ``/OpenAction`` or additional actions ``/AA``);
- every annotation (but Popup and Link, and those of zero area) with a normal appearance ``/AP /N``, printable, not
  hidden;
- PDF/A-4: no document information dictionary beyond ``/ModDate``.

:func:`pdfa_problems` returns the problems as sentences; an empty list means the file passed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from io import BytesIO

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

PDFAID = "http://www.aiim.org/pdfa/ns/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# The PDF version each PDF/A part is based on, and the conformance levels it defines ("" = none given).
BASE_VERSION = {1: (1, 4), 2: (1, 7), 3: (1, 7), 4: (2, 0)}
CONFORMANCE_LEVELS = {1: {"A", "B"}, 2: {"A", "B", "U"}, 3: {"A", "B", "U"}, 4: {"", "E", "F"}}
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def _version(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d+)\.(\d+)", text.strip().lstrip("/"))
    return (int(match[1]), int(match[2])) if match else None


def _show(version: tuple[int, int] | None) -> str:
    return f"{version[0]}.{version[1]}" if version else "none"


def xmp_identification(reader: PdfReader) -> dict[str, str]:
    """``pdfaid:part``, ``conformance`` and ``rev`` of the catalog's XMP, written as attributes or elements."""
    metadata = reader.trailer["/Root"].get("/Metadata")
    if metadata is None:
        return {}
    root = ElementTree.fromstring(metadata.get_object().get_data())
    found = {}
    for description in root.iter(f"{{{RDF}}}Description"):
        pairs = list(description.attrib.items()) + [(child.tag, (child.text or "").strip()) for child in description]
        for tag, value in pairs:
            if tag.startswith(f"{{{PDFAID}}}"):
                found[tag.split("}", 1)[1]] = value
    return found


class _Walker:
    """Every object reachable from the trailer, once each (indirect objects by number)."""

    def __init__(self, reader: PdfReader) -> None:
        self.reader = reader
        self.seen: set[tuple[int, int]] = set()

    def walk(self, start):
        stack = [start]
        while stack:
            value = stack.pop()
            if isinstance(value, IndirectObject):
                key = (value.idnum, value.generation)
                if key in self.seen:
                    continue
                self.seen.add(key)
                value = value.get_object()
            if isinstance(value, DictionaryObject):  # streams are dictionaries too
                yield value
                for key, item in value.items():
                    if key != "/Parent":
                        stack.append(item)
            elif isinstance(value, ArrayObject):
                stack.extend(value)


def _fonts_of(resources, seen_forms: set) -> list[DictionaryObject]:
    """Fonts of a resource dictionary and of the form XObjects (and Type 3 glyph resources) it reaches."""
    fonts = []
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject):
        return fonts
    for font in (resources.get("/Font") or DictionaryObject()).get_object().values():
        font = font.get_object()
        fonts.append(font)
        if font.get("/Subtype") == "/Type3":
            fonts.extend(_fonts_of(font.get("/Resources"), seen_forms))
    for xobject_reference in (resources.get("/XObject") or DictionaryObject()).get_object().values():
        xobject = xobject_reference.get_object()
        marker = id(xobject) if not isinstance(xobject_reference, IndirectObject) else xobject_reference.idnum
        if xobject.get("/Subtype") == "/Form" and marker not in seen_forms:
            seen_forms.add(marker)
            fonts.extend(_fonts_of(xobject.get("/Resources"), seen_forms))
    return fonts


def _font_embedded(font: DictionaryObject) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor.get_object() for key in FONT_FILES)


def _appearance_streams(annotation: DictionaryObject) -> list[StreamObject]:
    streams = []
    appearances = annotation.get("/AP")
    if appearances is None:
        return streams
    for entry in appearances.get_object().values():
        entry = entry.get_object()
        if isinstance(entry, StreamObject):
            streams.append(entry)
        elif isinstance(entry, DictionaryObject):
            streams.extend(state.get_object() for state in entry.values())
    return streams


def pdfa_problems(data: bytes, *, expected: tuple[str, str] | None = None) -> list[str]:
    """What keeps ``data`` from being the PDF/A file its XMP says it is; ``expected`` = ``(part, conformance)``,
    e.g. ``("3", "B")`` or ``("4", "")``, also requires that claim."""
    problems: list[str] = []
    header = re.match(rb"%PDF-(\d+\.\d+)", data[:1024].lstrip())
    header_version = _version(header[1].decode()) if header else None
    if header_version is None:
        return ["The file has no %PDF-n.m header."]
    reader = PdfReader(BytesIO(data))
    catalog = reader.trailer["/Root"]

    identification = xmp_identification(reader)
    part_text = identification.get("part", "")
    conformance = identification.get("conformance", "")
    if expected is not None and (part_text, conformance) != expected:
        problems.append(
            f"XMP claims PDF/A part {part_text or 'none'} conformance {conformance or 'none'}, "
            f"expected part {expected[0]} conformance {expected[1] or 'none'}."
        )
    part = int(part_text) if part_text.isdigit() else None
    if part not in BASE_VERSION:
        problems.append(f"XMP pdfaid:part is {part_text or 'missing'}: not a PDF/A part (1 to 4).")
        return problems
    if conformance not in CONFORMANCE_LEVELS[part]:
        problems.append(f"XMP pdfaid:conformance {conformance or 'none'} is not a conformance level of PDF/A-{part}.")
    if part == 4 and not re.fullmatch(r"\d{4}", identification.get("rev", "")):
        problems.append("PDF/A-4 needs pdfaid:rev (the year of the standard, 2020) in the XMP.")

    base = BASE_VERSION[part]
    if part == 4 and header_version != base:
        problems.append(f"The header says PDF {_show(header_version)}; PDF/A-4 files say %PDF-2.0.")
    elif part < 4 and (header_version[0] != 1 or header_version > base):
        problems.append(f"The header says PDF {_show(header_version)}, beyond PDF {_show(base)} of PDF/A-{part}.")
    catalog_version = _version(str(catalog["/Version"])) if "/Version" in catalog else None
    if catalog_version is not None and (catalog_version > base or (part == 4 and catalog_version != base)):
        problems.append(
            f"The catalog /Version is {_show(catalog_version)}: PDF/A-{part} is based on PDF {_show(base)}."
        )
    extensions = catalog.get("/Extensions")
    if extensions is not None:
        for prefix, entries in extensions.get_object().items():
            entries = entries.get_object()
            for entry in entries if isinstance(entries, ArrayObject) else [entries]:
                entry = entry.get_object()
                extension_base = _version(str(entry.get("/BaseVersion", "")))
                if extension_base is None or extension_base > base:
                    problems.append(
                        f"The catalog /Extensions entry {prefix} (level {entry.get('/ExtensionLevel')}) extends PDF "
                        f"{_show(extension_base)}: PDF/A-{part} is based on PDF {_show(base)}."
                    )

    intents = [intent.get_object() for intent in catalog.get("/OutputIntents") or []]
    if not any(intent.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in intent for intent in intents):
        problems.append("No /GTS_PDFA1 output intent with an ICC profile in the catalog.")
    if "/Encrypt" in reader.trailer:
        problems.append("The file is encrypted (/Encrypt in the trailer).")
    if part == 4 and "/Info" in reader.trailer:
        extra = sorted(set(reader.trailer["/Info"].get_object()) - {"/ModDate"})
        if extra:
            problems.append(f"PDF/A-4 allows only /ModDate in the document information dictionary, not {extra}.")

    # JavaScript, anywhere in the file as a reader reaches it.
    if "/OpenAction" in catalog:
        action = catalog["/OpenAction"].get_object()
        if isinstance(action, DictionaryObject) and action.get("/S") == "/JavaScript":
            problems.append("The catalog /OpenAction runs JavaScript.")
    names = catalog.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        problems.append("The catalog /Names has a /JavaScript name tree.")
    for dictionary in _Walker(reader).walk(reader.trailer.raw_get("/Root")):
        if "/JS" in dictionary or dictionary.get("/S") == "/JavaScript":
            problems.append("A JavaScript action (/JS or /S /JavaScript) is in the file.")
            break
    if "/AA" in catalog:
        problems.append("The catalog has additional actions (/AA).")

    # Fonts and annotations, page by page.
    unembedded: set[str] = set()
    seen_forms: set = set()
    for number, page in enumerate(reader.pages, start=1):
        fonts = _fonts_of(page.get("/Resources"), seen_forms)
        if "/AA" in page:
            problems.append(f"Page {number} has additional actions (/AA).")
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            subtype = annotation.get("/Subtype")
            if "/AA" in annotation:
                problems.append(f"A {subtype} annotation on page {number} has additional actions (/AA).")
            flags = int(annotation.get("/F", 0))
            if subtype != "/Popup" and (not flags & 4 or flags & (1 | 2 | 32 | 256)):
                problems.append(f"A {subtype} annotation on page {number} is not printable or is hidden (/F {flags}).")
            x1, y1, x2, y2 = (float(value) for value in annotation.get("/Rect", [0, 0, 0, 0]))
            zero_area = x1 == x2 and y1 == y2
            if subtype not in ("/Popup", "/Link") and not zero_area:
                appearances = annotation.get("/AP")
                if appearances is None or "/N" not in appearances.get_object():
                    problems.append(f"A {subtype} annotation on page {number} has no appearance (/AP /N).")
            for stream in _appearance_streams(annotation):
                fonts.extend(_fonts_of(stream.get("/Resources"), seen_forms))
        for font in fonts:
            if not _font_embedded(font):
                unembedded.add(str(font.get("/BaseFont", "(unnamed)")))
    if unembedded:
        problems.append(f"Fonts not embedded: {', '.join(sorted(unembedded))}.")
    return problems
