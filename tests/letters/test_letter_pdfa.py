"""Signed letters that stay PDF/A (issue 14) and are laid out like the published ones (issue 13, "The letter").

Every letter here is made by ``letters.services.generate_rendition`` and checked from outside: our PDF/A check
(tests/letters/pdfa_check.py), ``pdfsig`` (its output: it exits 0 on a digest mismatch), ``pdfinfo``, ``pdftotext``
per page, and the QR code decoded by ``zbarimg`` on the page rendered by ``pdftoppm``.
"""

from __future__ import annotations

import re
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.stamp import NoOpStampStyle
from pypdf import PdfReader

from cases.models import DisputedItem
from letters import pdf, rendering, services, signing
from letters.development_ca import SigningMaterial
from letters.models import Rendition
from letters.signing import PdfVersionConflict, _outside_event_loop, pdf_variant_for, sign_pdf
from tests import factories
from tests.letters.conftest import sample_letter_html
from tests.letters.pdfa_check import pdfa_problems

# What each key type gives: the PDF/A claim, the header, the catalog /Version and /Extensions after signing.
EXPECTED = {
    # PAdES: ETSI's extension of PDF 1.7 (allowed in PDF/A-3); ECDSA: ISO/TS 32002, an extension of PDF 2.0.
    "rsa": {
        "claim": ("3", "B"),
        "header": b"%PDF-1.7",
        "pdfinfo_version": "1.7",
        "catalog_version": None,
        "extensions": {("/ESIC", "/1.7", 1)},
    },
    "ec": {
        "claim": ("4", ""),
        "header": b"%PDF-2.0",
        "pdfinfo_version": "2.0",
        "catalog_version": None,  # the header already says 2.0: pyHanko has nothing to raise
        "extensions": {("/ISO_", "/2.0", 32002)},  # pyHanko adds ESIC to PDF 1.x files only
    },
}
DIRECTOR = "Dana R. Whitfield, MD"


@pytest.fixture
def materials(development_material: SigningMaterial, ec_material: SigningMaterial) -> dict[str, SigningMaterial]:
    return {"rsa": development_material, "ec": ec_material}


def configure_signer(settings, material: SigningMaterial) -> None:
    settings.SIGNING_KEY_PATH = str(material.key_path)
    settings.SIGNING_CERT_PATH = str(material.certificate_path)
    settings.SIGNING_CHAIN_PATHS = [str(material.root_certificate_path)]
    settings.SIGNING_TRUST_ROOTS = [str(material.root_certificate_path)]
    settings.TIMESTAMP_URL = ""


def extensions(catalog) -> set[tuple[str, str, int]]:
    found = set()
    for prefix, entries in (catalog.get("/Extensions") or {}).items():
        entries = entries.get_object()
        for entry in entries if isinstance(entries, list) else [entries]:
            entry = entry.get_object()
            found.add((prefix, str(entry["/BaseVersion"]), int(entry["/ExtensionLevel"])))
    return found


def letter_bytes(letter) -> bytes:
    with open(letter.file.path, "rb") as file:
        return file.read()


def run(*command: str, input: bytes | None = None) -> str:
    result = subprocess.run(command, input=input, capture_output=True)
    return result.stdout.decode() + result.stderr.decode()


def pdftotext_pages(data: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    return text.decode().split("\f")[:-1]  # every page ends with a form feed, the last one too


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def qr_codes(data: bytes, tmp_path: Path) -> list[str]:
    """Every QR code zbarimg finds on the pages as pdftoppm renders them (150 dpi, grey)."""
    source = tmp_path / "letter.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(source), str(tmp_path / "page")], check=True)
    found = []
    for image in sorted(tmp_path.glob("page-*.png")):
        result = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True)
        # zbarimg exits 4 when an image has no code: that page simply has none.
        assert result.returncode in (0, 4), result.stderr
        found.extend(line for line in result.stdout.splitlines() if line)
    return found


def structure_types(data: bytes) -> list[str]:
    """The structure element types of the tagged PDF, in the tree's (reading) order."""
    catalog = PdfReader(BytesIO(data)).trailer["/Root"]
    order = []

    def visit(node) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                visit(child)
            return
        if not hasattr(node, "get") or node.get("/Type") not in ("/StructElem", "/StructTreeRoot", None):
            return
        if "/S" in node:
            order.append(str(node["/S"])[1:])
        kids = node.get("/K")
        if kids is not None and not isinstance(kids, int):
            visit(kids)

    visit(catalog["/StructTreeRoot"])
    return order


def figure_alternate_texts(data: bytes) -> list[str]:
    reader = PdfReader(BytesIO(data))
    texts = []
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if isinstance(node, list):
            stack.extend(node)
        elif hasattr(node, "get"):
            if node.get("/S") == "/Figure":
                texts.append(str(node.get("/Alt")))
            kids = node.get("/K")
            if kids is not None and not isinstance(kids, int):
                stack.append(kids)
    return texts


# --- the check itself, on what the old signing path made --------------------------------------------------------


@_outside_event_loop  # pyHanko's sync API runs asyncio.run: not in a thread where Playwright's loop runs
def sign_the_old_way(data: bytes, signer) -> bytes:
    """What letters.signing.sign_pdf did before issue 14: pyHanko's PAdES signature on whatever file it is given."""
    writer = IncrementalPdfFileWriter(BytesIO(data))
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name="Signature1", on_page=-1))
    metadata = signers.PdfSignatureMetadata(
        field_name="Signature1", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    output = signers.PdfSigner(metadata, signer, stamp_style=NoOpStampStyle()).sign_pdf(
        writer, existing_fields_only=True
    )
    return output.getvalue()


def test_the_check_reports_the_pdf_2_0_version_an_ec_signature_puts_on_a_pdf_a_3b_letter(ec_material):
    rendered = pdf.render_pdf(sample_letter_html(), pdf_variant=pdf.PDF_A_3B)
    assert pdfa_problems(rendered.pdf, expected=("3", "B")) == []

    signed = sign_the_old_way(rendered.pdf, ec_material.load_signer())

    assert pdfa_problems(signed, expected=("3", "B")) == [
        "The catalog /Version is 2.0: PDF/A-3 is based on PDF 1.7.",
        "The catalog /Extensions entry /ISO_ (level 32002) extends PDF 2.0: PDF/A-3 is based on PDF 1.7.",
    ]


def test_signing_a_pdf_a_3b_letter_with_an_ec_key_is_refused_with_the_reason(ec_material):
    rendered = pdf.render_pdf(sample_letter_html(), pdf_variant=pdf.PDF_A_3B)

    with pytest.raises(PdfVersionConflict) as refused:
        sign_pdf(rendered.pdf, ec_material.load_signer(), field_box=None, page=-1, reason="r", location="l", name="n")

    assert str(refused.value) == (
        "This signing key needs PDF 2.0 (ISO/TS 32002): render the letter as PDF/A-4 (see pdf_variant_for), "
        "not as a PDF 1.7 file."
    )


def test_the_check_reports_a_missing_font_javascript_and_an_annotation_without_appearance():
    # A hand-made PDF/A-3b claim with the three faults a letter must never have.
    rendered = pdf.render_pdf('<p>Text</p><a href="javascript:alert(1)">x</a>', pdf_variant=pdf.PDF_A_3B)
    writer = IncrementalPdfFileWriter(BytesIO(rendered.pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Courier"),
            }
        )
    )
    resources = page["/Resources"]
    resources["/Font"][generic.pdf_name("/Fcourier")] = font
    writer.update_container(resources["/Font"])
    annotation = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Square"),
                generic.pdf_name("/Rect"): generic.ArrayObject([generic.NumberObject(n) for n in (10, 10, 50, 50)]),
                generic.pdf_name("/F"): generic.NumberObject(4),
                generic.pdf_name("/A"): generic.DictionaryObject(
                    {
                        generic.pdf_name("/S"): generic.pdf_name("/JavaScript"),
                        generic.pdf_name("/JS"): generic.TextStringObject("app.alert(1)"),
                    }
                ),
            }
        )
    )
    annotations = page.get("/Annots") or generic.ArrayObject()
    annotations.append(annotation)
    page["/Annots"] = annotations
    writer.update_container(page)
    output = BytesIO()
    writer.write(output)

    assert pdfa_problems(output.getvalue(), expected=("3", "B")) == [
        "A JavaScript action (/JS or /S /JavaScript) is in the file.",
        "A /Square annotation on page 1 has no appearance (/AP /N).",
        "Fonts not embedded: /Courier.",
    ]


def test_the_signing_module_names_the_renderers_variants():
    assert (signing.PDF_A_3B, signing.PDF_A_4) == (pdf.PDF_A_3B, pdf.PDF_A_4) == pdf.PDF_VARIANTS


def test_an_unknown_pdf_variant_is_refused_before_rendering():
    with pytest.raises(ValueError) as refused:
        pdf.render_pdf("<p>x</p>", pdf_variant="pdf/a-2b")

    assert str(refused.value) == "pdf_variant must be one of pdf/a-3b, pdf/a-4, not 'pdf/a-2b'"


# --- signed letters, through the service, for each key type ------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("key_type", ["rsa", "ec"])
@pytest.mark.parametrize("rendition", [Rendition.PARTIES, Rendition.PUBLIC])
def test_a_signed_letter_is_the_pdf_a_it_claims_valid_for_pdfsig_tagged_and_its_qr_code_decodes(
    settings, materials, key_type, rendition, nss_database, qa_user, reviewer, tmp_path
):
    signing_material = materials[key_type]
    expected = EXPECTED[key_type]
    configure_signer(settings, signing_material)
    case = factories.determined_case(qa=qa_user, reviewer=reviewer)

    letter = services.generate_rendition(case, rendition=rendition)
    data = letter_bytes(letter)
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)

    assert services.signing_setup().pdf_variant == pdf_variant_for(signing_material.load_signer())
    assert pdfa_problems(data, expected=expected["claim"]) == []
    assert data[:8] == expected["header"]
    catalog = PdfReader(BytesIO(data)).trailer["/Root"]
    assert catalog.get("/Version") == expected["catalog_version"]
    assert extensions(catalog) == expected["extensions"]
    signature = run("pdfsig", "-nssdir", nss_database, str(path))
    assert "Signature Validation: Signature is Valid." in signature
    assert "Certificate Validation: Certificate is Trusted." in signature
    assert "Total document signed" in signature
    info = dict(re.findall(r"^([^:]+):\s+(.*)$", run("pdfinfo", str(path)), re.MULTILINE))
    assert (info["Tagged"], info["PDF version"], info["Encrypted"], info["JavaScript"]) == (
        "yes",
        expected["pdfinfo_version"],
        "no",
        "no",
    )
    assert catalog["/Lang"] == "en"
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    url = rendering.verification_url(letter.verification_code)
    assert qr_codes(data, tmp_path) == [url]
    assert figure_alternate_texts(data) == [f"QR code of {url}"]


@pytest.mark.django_db
def test_the_parties_letter_is_structured_headings_in_reading_order(settings, development_material, qa_user, reviewer):
    configure_signer(settings, development_material)
    case = factories.determined_case(qa=qa_user, reviewer=reviewer)

    data = letter_bytes(services.generate_rendition(case, rendition=Rendition.PARTIES))

    headings = [kind for kind in structure_types(data) if re.fullmatch(r"H\d", kind)]
    # The title, the three sections of the published letters, one H3 per item.
    assert headings == ["H1", "H2", "H2", "H2", "H3", "H3"]
    types = structure_types(data)
    assert types.count("P") >= 10
    assert {"Table", "TR", "TH", "TD", "Figure"} <= set(types)


# --- layout -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_parties_letter_has_no_forced_blank_page_after_the_appeal_rights(
    settings, development_material, qa_user, reviewer
):
    configure_signer(settings, development_material)
    case = factories.determined_case(qa=qa_user, reviewer=reviewer)

    letter = services.generate_rendition(case, rendition=Rendition.PARTIES)
    pages = [squeeze(page) for page in pdftotext_pages(letter_bytes(letter))]

    # The appeal-rights paragraph ends on page 2 and the determination's body (its header table) follows on the
    # same page, instead of a page break leaving the rest of page 2 empty (the letter was 4 pages, now 3).
    end_of_appeal_rights = squeeze("not a matter that is subject to expert opinion.")
    page_of = {
        "appeal rights end": next(i for i, page in enumerate(pages) if end_of_appeal_rights in page),
        "body starts": next(i for i, page in enumerate(pages) if squeeze("Date Assigned:") in page),
    }
    assert page_of == {"appeal rights end": 1, "body starts": 1}
    assert (letter.page_count, len(pages)) == (3, 3)


@pytest.mark.django_db
def test_the_parties_letter_is_signed_by_the_medical_director_named_in_settings(
    settings, development_material, qa_user, reviewer
):
    configure_signer(settings, development_material)
    settings.IMR_MEDICAL_DIRECTOR_NAME = DIRECTOR
    settings.IMR_MEDICAL_DIRECTOR_TITLE = "Chief Medical Officer"
    case = factories.determined_case(qa=qa_user, reviewer=reviewer)

    data = letter_bytes(services.generate_rendition(case, rendition=Rendition.PARTIES))
    text = " ".join(" ".join(pdftotext_pages(data)).split())
    signature_field = PdfReader(BytesIO(data)).trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object()

    assert f"Sincerely, {DIRECTOR} Chief Medical Officer, MAXIMUS Federal Services Signed electronically" in text
    assert signature_field["/V"]["/Name"] == f"{DIRECTOR}, Chief Medical Officer, MAXIMUS Federal Services"


@pytest.mark.django_db
def test_without_a_name_the_letter_prints_the_title_once(settings, development_material, qa_user, reviewer):
    configure_signer(settings, development_material)
    settings.IMR_MEDICAL_DIRECTOR_NAME = ""
    settings.IMR_MEDICAL_DIRECTOR_TITLE = "Medical Director"
    case = factories.determined_case(qa=qa_user, reviewer=reviewer)

    data = letter_bytes(services.generate_rendition(case, rendition=Rendition.PARTIES))
    text = " ".join(" ".join(pdftotext_pages(data)).split())

    assert "Sincerely, Medical Director MAXIMUS Federal Services Signed electronically" in text
    assert text.count("Medical Director") == 1


def modified_item_case(qa_user, reviewer, *, padding: int):
    """A determined case whose second item UR modified (the long heading), after ``padding`` extra sentences."""
    case = factories.determined_case(qa=qa_user, reviewer=reviewer, decisions=("upheld", "upheld"))
    item = case.items.order_by("position")[1]
    item.ur_outcome = DisputedItem.UrOutcome.MODIFIED
    item.original_request = "Physical therapy 3 times a week for 6 weeks for the lumbar spine (18 sessions)"
    item.authorized = "Physical therapy 2 times a week for 3 weeks for the lumbar spine (6 sessions)"
    item.description = "Physical therapy 12 sessions for the lumbar spine, 2 times a week for 6 weeks"
    item.save()
    determination = rendering.approved_determination(case)
    sentence = "The injured worker reported low back pain rated 6 out of 10 with radiation to the left leg."
    determination.clinical_case_summary += " " + " ".join([sentence] * padding)
    determination.save()
    return case, determination, item


def heading_pages(data: bytes, heading: str, next_line: str) -> list[int]:
    """The pages on which the whole heading is printed followed by ``next_line`` (empty: nowhere whole)."""
    wanted = squeeze(heading) + squeeze(next_line)
    return [number for number, page in enumerate(pdftotext_pages(data), start=1) if wanted in squeeze(page)]


# Without the rules that keep an item's heading together (letter.css): what WeasyPrint would do by default.
SPLITTABLE = (
    "<style>.item-head, .item-heading { break-inside: auto !important; break-after: auto !important; }</style></head>"
)


@pytest.mark.django_db
def test_a_ur_modified_heading_at_the_end_of_a_page_moves_whole_to_the_next_page_with_its_guideline_line(
    qa_user, reviewer
):
    # Find a summary length that puts the long heading across a page break when nothing keeps it together, then
    # render that very letter as the portal does.
    for padding in range(0, 60):
        case, determination, item = modified_item_case(qa_user, reviewer, padding=padding)
        heading = rendering.item_heading(item, "upheld")
        html = rendering.render_letter_html(case, determination, rendition=Rendition.PUBLIC)
        loose = pdf.render_pdf(html.replace("</head>", SPLITTABLE, 1))
        loose_pages = pdftotext_pages(loose.pdf)
        if not any(squeeze(heading) in squeeze(page) for page in loose_pages):
            break
    else:
        pytest.fail("No summary length put the UR-modified heading across a page break.")
    assert heading.startswith("Physical therapy 3 times a week for 6 weeks for the lumbar spine (18 sessions) was")

    rendered = rendering.render_letter_pdf(case, determination, rendition=Rendition.PUBLIC)
    pages = pdftotext_pages(rendered.pdf)

    guideline = "Claims Administrator guideline: Decision based on MTUS"
    whole_on = heading_pages(rendered.pdf, heading, guideline)
    assert len(whole_on) == 1
    # The heading is the first thing on its page after the running header: it moved, whole, to the next page.
    body = [line for line in pages[whole_on[0] - 1].splitlines() if line.strip()][1:]
    assert squeeze(" ".join(body)).startswith(squeeze(heading[:60]))
