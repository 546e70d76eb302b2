"""The case's documents: a PDF is checked by its content (size, pages, readable, not encrypted) before it is stored
with the case, with the text of each page for the records search."""

import hashlib
import io
from datetime import date
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import DictionaryObject

from cases.models import Case, CaseDocument

PAGE_TEXT_LIMIT = 20_000


def page_texts(data: bytes) -> list[str]:
    """The text of each page of a PDF (empty for a scanned page without a text layer)."""
    reader = PdfReader(io.BytesIO(data))
    texts = []
    for page in reader.pages:
        try:
            text = page.extract_text() or ""
        except Exception:  # noqa: BLE001 - a page whose text cannot be read is searched as empty, not refused
            text = ""
        texts.append(" ".join(text.split())[:PAGE_TEXT_LIMIT])
    return texts


def inspect_pdf(data: bytes, *, name: str) -> int:
    """Check by content that ``data`` is a readable PDF within the size limit; return its page count."""
    limit = settings.CASE_DOCUMENT_MAX_BYTES
    if len(data) > limit:
        raise ValidationError(
            f"{name} is {len(data) / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB.", code="too_large"
        )
    if not data.lstrip()[:5] == b"%PDF-":
        raise ValidationError(f"{name} is not a PDF file (its content is not PDF, whatever its name).", code="not_pdf")
    max_pages = settings.CASE_DOCUMENT_MAX_PAGES
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationError(f"{name} is password-protected; upload an unprotected copy.", code="encrypted")
        # The page tree's own count first: walking a tree of 100,000 pages is most of a minute.
        # (Typed as any PDF object; a trailer that is not a dictionary fails below as a damaged file.)
        root = cast(DictionaryObject, reader.trailer["/Root"])
        declared = cast(DictionaryObject, root["/Pages"]).get("/Count", 0)
        if not isinstance(declared, int) or declared > max_pages:
            raise ValidationError(
                f"{name} has {declared} pages; a record may have at most {max_pages} (split it into parts).",
                code="too_many_pages",
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as error:
        raise ValidationError(f"{name} is damaged and cannot be read as a PDF ({error}).", code="damaged") from None
    if pages > max_pages:
        raise ValidationError(
            f"{name} has {pages} pages; a record may have at most {max_pages}.", code="too_many_pages"
        )
    if pages == 0:
        raise ValidationError(f"{name} has no pages.", code="empty")
    return pages


def add_document(
    case: Case,
    *,
    data: bytes,
    name: str,
    kind: str,
    by=None,
    title: str = "",
    author: str = "",
    document_date: date | None = None,
) -> CaseDocument:
    """Store a PDF with the case after checking it by content. The same file twice on one case is refused."""
    pages = inspect_pdf(data, name=name)
    digest = hashlib.sha256(data).hexdigest()
    if CaseDocument.objects.filter(case=case, sha256=digest).exists():
        raise ValidationError(f"{name} is already on case {case.case_number}.", code="duplicate")
    document = CaseDocument(
        case=case,
        kind=kind,
        # A file's name may be 255 characters long; the title taken from it is cut at the title's length.
        title=(title or name.rsplit(".", 1)[0])[: CaseDocument._meta.get_field("title").max_length],
        author=author,
        document_date=document_date,
        original_name=name[:255],
        size=len(data),
        sha256=digest,
        page_count=pages,
        page_texts=page_texts(data),
        uploaded_by=by if by is not None and by.is_authenticated else None,
    )
    document.file.save(document_upload_name(document), ContentFile(data), save=False)
    document.save()
    return document


def document_upload_name(document: CaseDocument) -> str:
    return f"{document.sha256[:16]}.pdf"
