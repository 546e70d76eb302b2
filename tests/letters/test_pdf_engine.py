"""The letter PDF engine: rendering (letters.pdf) and signing and verification (letters.signing).

External tools check the output where they can (pdftotext, pdffonts, pdfsig with an NSS database, qpdf), so the
tests do not only take pyHanko's word for it.
"""

from __future__ import annotations

import base64
import gc
import os
import re
import stat
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.generic import pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.version import __version__ as pyhanko_version
from pypdf import PdfReader

from letters import pdf as pdf_module
from letters.development_ca import SigningMaterial, ensure_development_certificates
from letters.pdf import LetterRenderError, RenderedPdf, ResourceRefused, qr_code_svg, render_pdf
from letters.signing import (
    SigningConfigurationError,
    certificate_fingerprint,
    load_signer,
    sign_pdf,
    verify_pdf,
)
from tests.letters.conftest import (
    CASE_NUMBER,
    ORGANIZATION,
    TIMESTAMP_TIME,
    VERIFICATION_URL,
    LocalTimestampAuthority,
    sample_letter_html,
)

US_LETTER_HEIGHT = 792.0
XMP_NAMESPACES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}


# --- helpers ------------------------------------------------------------------------------------------------------


def write_pdf(tmp_path: Path, data: bytes, name: str = "letter.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def text_pages(path: Path) -> list[list[str]]:
    """The non-empty lines of each page as pdftotext -layout prints them, runs of spaces folded to one."""
    output = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    pages = output.stdout.split("\f")[:-1]  # pdftotext ends every page with a form feed
    return [[" ".join(line.split()) for line in page.splitlines() if line.strip()] for page in pages]


def pdffonts_rows(path: Path) -> list[dict[str, str]]:
    output = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = []
    for line in output.splitlines()[2:]:
        name, *_, embedded, subset, _unicode, _object, _generation = line.split()
        rows.append({"name": name, "emb": embedded, "sub": subset})
    return rows


def pdfsig_fields(path: Path, nss_database: str) -> dict[str, str]:
    """The ``  - Key: Value`` lines pdfsig prints for the first signature (pdfsig exits 0 valid or not)."""
    output = subprocess.run(
        ["pdfsig", "-nssdir", nss_database, str(path)], check=True, capture_output=True, text=True
    ).stdout
    fields = {}
    for line in output.splitlines():
        if match := re.fullmatch(r"\s+- ([^:]+): (.*)", line):
            fields.setdefault(match[1], match[2])
    return fields


def xmp_properties(pdf: bytes) -> dict[str, str]:
    """Simple XMP properties, whether written as attributes or as child elements, keyed ``prefix:name``."""
    reader = PdfReader(BytesIO(pdf))
    root = ElementTree.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())
    prefixes = {uri: prefix for prefix, uri in XMP_NAMESPACES.items()}
    properties = {}
    for description in root.iter(f"{{{XMP_NAMESPACES['rdf']}}}Description"):
        values = list(description.attrib.items()) + [(child.tag, child.text) for child in description]
        for tag, value in values:
            if tag.startswith("{"):
                uri, name = tag[1:].split("}")
                if uri in prefixes and value is not None:
                    properties[f"{prefixes[uri]}:{name}"] = value
    return properties


def flip_byte_in_first_page_content(pdf: bytes) -> bytes:
    """Flip one bit of a byte inside page 1's content stream: the file still parses, the signed bytes differ."""
    contents = PdfReader(BytesIO(pdf)).pages[0].raw_get("/Contents")
    object_start = re.search(rb"(?<!\d)%d 0 obj" % contents.idnum, pdf).start()
    data_start = pdf.index(b"stream", object_start) + len(b"stream\n")
    position = data_start + 40
    damaged = bytearray(pdf)
    damaged[position] ^= 0x01
    return bytes(damaged)


def sign(rendered: RenderedPdf, material: SigningMaterial, **overrides: object) -> bytes:
    box = rendered.signature_box
    arguments = {
        "field_box": box.rect,
        "page": box.page_index,
        "reason": "Independent Medical Review Final Determination",
        "location": "Sacramento, CA",
        "name": "Medical Director",
    }
    arguments.update(overrides)
    return sign_pdf(rendered.pdf, material.load_signer(), **arguments)


# --- rendering ----------------------------------------------------------------------------------------------------


def test_sample_letter_renders_to_three_us_letter_pages(rendered_letter: RenderedPdf) -> None:
    reader = PdfReader(BytesIO(rendered_letter.pdf))

    assert rendered_letter.pdf[:5] == b"%PDF-"
    assert rendered_letter.page_count == 3
    assert len(reader.pages) == 3
    assert [tuple(float(value) for value in page.mediabox) for page in reader.pages] == [(0.0, 0.0, 612.0, 792.0)] * 3


def test_every_page_carries_the_running_case_number_and_page_n_of_m(
    rendered_letter: RenderedPdf, tmp_path: Path
) -> None:
    pages = text_pages(write_pdf(tmp_path, rendered_letter.pdf))

    assert [page[0] for page in pages] == [f"{ORGANIZATION} Case Number: {CASE_NUMBER}"] * 3
    assert [page[-1] for page in pages] == ["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]


def test_every_font_is_one_of_the_shipped_fonts_embedded_and_subset(
    rendered_letter: RenderedPdf, tmp_path: Path
) -> None:
    rows = pdffonts_rows(write_pdf(tmp_path, rendered_letter.pdf))

    assert sorted(row["name"].split("+", 1)[1] for row in rows) == [
        "IMR-Sans",
        "IMR-Sans-Bold",
        "IMR-Serif",
        "IMR-Serif-Bold",
        "IMR-Serif-Italic",
    ]
    assert {(row["emb"], row["sub"]) for row in rows} == {("yes", "yes")}


def test_rendered_letter_claims_pdf_a_3b_in_its_xmp_metadata(rendered_letter: RenderedPdf) -> None:
    properties = xmp_properties(rendered_letter.pdf)

    assert (properties["pdfaid:part"], properties["pdfaid:conformance"]) == ("3", "B")


def test_signature_box_is_where_the_signature_block_is_printed(rendered_letter: RenderedPdf, tmp_path: Path) -> None:
    box = rendered_letter.signature_box
    x1, y1, x2, y2 = box.rect
    path = write_pdf(tmp_path, rendered_letter.pdf)
    words = subprocess.run(
        ["pdftotext", "-f", "3", "-l", "3", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    director = re.search(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">Director</word>', words
    )
    word_left, word_top, word_right, word_bottom = (float(value) for value in director.groups())

    assert box.page_index == 2
    # Full width between the 1 in margins; 60pt of content plus the stylesheet's 6pt padding above and below.
    assert (x1, x2, round(y2 - y1, 2)) == (72.0, 540.0, 72.0)
    assert x1 <= word_left < word_right <= x2
    assert y1 <= US_LETTER_HEIGHT - word_bottom < US_LETTER_HEIGHT - word_top <= y2


def test_letter_without_a_signature_block_has_no_signature_box() -> None:
    rendered = render_pdf("<p>No signature here.</p>")

    assert (rendered.page_count, rendered.signature_box) == (1, None)


def test_remote_image_is_refused_at_once_without_a_network_wait() -> None:
    started = time.monotonic()
    with pytest.raises(ResourceRefused) as refused:
        render_pdf('<p>Logo</p><img src="https://images.example.com/logo.png">')
    elapsed = time.monotonic() - started

    assert str(refused.value) == (
        "Letter resource refused: https://images.example.com/logo.png (only file: and data: URLs are allowed)."
    )
    assert elapsed < 1.0


def test_remote_stylesheet_import_is_refused() -> None:
    with pytest.raises(ResourceRefused) as refused:
        render_pdf('<style>@import url("http://fonts.example.com/a.css");</style><p>x</p>')

    assert str(refused.value) == (
        "Letter resource refused: http://fonts.example.com/a.css (only file: and data: URLs are allowed)."
    )


def test_local_file_outside_the_letter_folders_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ResourceRefused) as refused:
        render_pdf('<img src="file:///etc/hostname">', base_url=str(tmp_path))

    assert str(refused.value) == "Letter resource refused: /etc/hostname is outside the letter's folders."


def test_source_files_next_to_the_letter_assets_are_refused() -> None:
    signing_module = Path(pdf_module.__file__).with_name("signing.py")

    with pytest.raises(ResourceRefused) as refused:
        render_pdf(f'<a rel="attachment" href="{signing_module.as_uri()}">source</a>')

    assert str(refused.value) == f"Letter resource refused: {signing_module} is outside the letter's folders."


def test_missing_image_stops_the_render_instead_of_leaving_a_hole(tmp_path: Path) -> None:
    with pytest.raises(LetterRenderError) as failed:
        render_pdf('<img src="logo.png">', base_url=f"{tmp_path}/")

    assert str(failed.value) == (
        f'Error fetching "file://{tmp_path}/logo.png": '
        f"<urlopen error [Errno 2] No such file or directory: '{tmp_path}/logo.png'>"
    )


def test_image_under_the_base_url_folder_and_a_data_url_are_allowed(tmp_path: Path) -> None:
    pixel = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d4944415478da63606060f80f0001040100e6d1c1f00000000049454e44ae426082"
    )
    (tmp_path / "logo.png").write_bytes(pixel)
    html = f'<img src="logo.png"><img src="data:image/png;base64,{base64.b64encode(pixel).decode()}">'

    rendered = render_pdf(html, base_url=f"{tmp_path}/")
    images = [image for page in PdfReader(BytesIO(rendered.pdf)).pages for image in page.images]

    assert len(images) == 2


def test_qr_code_is_an_inline_svg_that_renders_into_the_letter() -> None:
    svg = qr_code_svg(VERIFICATION_URL)
    element = ElementTree.fromstring(svg)

    assert element.tag == "{http://www.w3.org/2000/svg}svg"
    assert element.get("viewBox") == "0 0 37 37"  # version 3 QR (29 modules) plus a 4-module quiet zone each side
    assert render_pdf(f'<div class="verification-qr">{svg}</div>').page_count == 1


def test_a_forked_worker_renders_with_its_own_fonts_and_leaves_the_parents_in_place() -> None:
    render_pdf("<p>The parent process renders first, as a prefork master that warmed up would.</p>")
    parent_fonts = pdf_module._engines[os.getpid()].font_config._folder  # WeasyPrint's copy of the @font-face files
    read_end, write_end = os.pipe()

    child = os.fork()
    if child == 0:  # the worker: render, report the page count, leave without running pytest's teardown
        try:
            pages = render_pdf(sample_letter_html()).page_count
            gc.collect()  # a long-lived worker collects its inherited copy of the parent's FontConfiguration
            os.write(write_end, str(pages).encode())
        finally:
            pdf_module._release_engines()  # what atexit does in a worker that exits normally: remove its own fonts
            os._exit(0)
    os.close(write_end)
    _, status = os.waitpid(child, 0)
    child_pages = os.read(read_end, 16)
    os.close(read_end)

    assert (os.waitstatus_to_exitcode(status), child_pages) == (0, b"3")
    assert parent_fonts.is_dir() is True
    assert render_pdf(sample_letter_html()).page_count == 3


def _collections_during(action) -> list[int]:
    """The generations of the automatic garbage collections that started while ``action`` ran."""
    started = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.callbacks.append(count)
    try:
        action()
    finally:
        gc.callbacks.remove(count)
    return started


def test_no_garbage_collection_runs_inside_a_render_and_the_collector_runs_again_after_it() -> None:
    html = sample_letter_html()
    render_pdf(html)

    # The same work without the pause: WeasyPrint's allocations set the collector off many times per letter.
    def unpaused() -> None:
        with pdf_module._engine().lock:
            pdf_module.HTML(string=html, url_fetcher=pdf_module._engine().fetcher).render(
                font_config=pdf_module._engine().font_config, stylesheets=[pdf_module._engine().stylesheet]
            ).write_pdf()

    assert len(_collections_during(unpaused)) >= 3
    # At most the one collection right after the pause, which frees the cycles the render left (young, or older when
    # the young collections before the render had already counted up to the next generation's threshold).
    assert len(_collections_during(lambda: render_pdf(html))) <= 1
    assert gc.isenabled() is True


def test_a_render_leaves_a_collector_its_caller_disabled_disabled() -> None:
    gc.disable()
    try:
        render_pdf("<p>Rendered while the caller keeps the collector off.</p>")
        assert gc.isenabled() is False
    finally:
        gc.enable()


def test_warm_up_renders_once_and_freezes_what_the_worker_holds() -> None:
    # In a process of its own: a frozen heap is never collected again, which this test process must not inherit.
    script = (
        "import gc; from letters import pdf; pdf.warm_up(); "
        "print(gc.get_freeze_count() > 10000, len(pdf._engines), gc.isenabled())"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2]
    )

    assert result.stdout.split() == ["True", "1", "True"]


# --- signing: checked by pdfsig and qpdf --------------------------------------------------------------------------


def test_signed_letter_is_valid_and_trusted_for_pdfsig(signed_letter: bytes, nss_database: str, tmp_path: Path) -> None:
    fields = pdfsig_fields(write_pdf(tmp_path, signed_letter), nss_database)

    assert fields["Signature Validation"] == "Signature is Valid."
    assert fields["Certificate Validation"] == "Certificate is Trusted."
    assert fields["Signature Type"] == "ETSI.CAdES.detached"
    assert fields["Signing Hash Algorithm"] == "SHA-256"
    assert fields["Signer Certificate Common Name"] == f"{ORGANIZATION} Letter Signing (development)"


def test_signed_letter_passes_qpdf_check(signed_letter: bytes, tmp_path: Path) -> None:
    result = subprocess.run(
        ["qpdf", "--check", str(write_pdf(tmp_path, signed_letter))], capture_output=True, text=True
    )

    assert result.returncode == 0
    assert result.stdout.splitlines()[-2] == "No syntax or stream encoding errors found; the file may still contain"


def test_flipping_one_signed_byte_is_a_digest_mismatch_for_pdfsig_and_pyhanko(
    signed_letter: bytes, nss_database: str, root_certificate: asn1_x509.Certificate, tmp_path: Path
) -> None:
    damaged = flip_byte_in_first_page_content(signed_letter)

    fields = pdfsig_fields(write_pdf(tmp_path, damaged), nss_database)
    result = verify_pdf(damaged, [root_certificate])

    assert len(damaged) == len(signed_letter)
    assert fields["Signature Validation"] == "Digest Mismatch."
    assert (result.signed, result.intact, result.trusted) == (True, False, False)
    assert result.message == "The document was changed after it was signed: the signature does not match its content."
    assert result.authentic is False


# --- signing: what the file contains ------------------------------------------------------------------------------


def test_signed_letter_still_claims_pdf_a_with_one_producer_in_info_and_xmp(signed_letter: bytes) -> None:
    properties = xmp_properties(signed_letter)
    info = PdfReader(BytesIO(signed_letter)).metadata

    assert (properties["pdfaid:part"], properties["pdfaid:conformance"]) == ("3", "B")
    assert info["/Producer"] == properties["pdf:Producer"] == f"pyHanko {pyhanko_version}"
    assert info["/Title"] == f"Independent Medical Review Final Determination {CASE_NUMBER}"


def test_signature_is_an_incremental_update_that_keeps_the_rendered_bytes(
    rendered_letter: RenderedPdf, signed_letter: bytes
) -> None:
    assert signed_letter[: len(rendered_letter.pdf)] == rendered_letter.pdf


def test_signature_field_covers_the_signature_block_with_an_empty_printable_appearance(
    rendered_letter: RenderedPdf, signed_letter: bytes
) -> None:
    reader = PdfReader(BytesIO(signed_letter))
    widgets = [annotation.get_object() for annotation in reader.pages[2].get("/Annots", [])]
    (widget,) = widgets

    assert widget["/FT"] == "/Sig"
    assert tuple(float(value) for value in widget["/Rect"]) == rendered_letter.signature_box.rect
    assert widget["/F"] & 0b100 == 0b100  # printable, as PDF/A requires
    assert widget["/AP"]["/N"].get_object().get_data() == b""
    assert widget["/V"]["/SubFilter"] == "/ETSI.CAdES.detached"
    assert (widget["/V"]["/Reason"], widget["/V"]["/Location"], widget["/V"]["/Name"]) == (
        "Independent Medical Review Final Determination",
        "Sacramento, CA",
        "Medical Director",
    )


def test_invisible_signature_has_a_zero_rectangle_and_is_valid(
    rendered_letter: RenderedPdf, development_material: SigningMaterial, root_certificate: asn1_x509.Certificate
) -> None:
    signed = sign(rendered_letter, development_material, field_box=None, page=0)
    widget = PdfReader(BytesIO(signed)).pages[0]["/Annots"][0].get_object()

    assert [float(value) for value in widget["/Rect"]] == [0.0, 0.0, 0.0, 0.0]
    assert verify_pdf(signed, [root_certificate]).authentic is True


def test_timestamp_from_the_tsa_is_embedded_and_reported(
    rendered_letter: RenderedPdf,
    development_material: SigningMaterial,
    root_certificate: asn1_x509.Certificate,
    timestamp_authority: LocalTimestampAuthority,
) -> None:
    requests_before = len(timestamp_authority.requests)

    signed = sign(rendered_letter, development_material, timestamp_url=timestamp_authority.url)
    result = verify_pdf(signed, [root_certificate])

    assert len(timestamp_authority.requests) > requests_before
    assert result.authentic is True
    assert result.timestamp_time == TIMESTAMP_TIME


# --- verification -------------------------------------------------------------------------------------------------


def test_verify_pdf_accepts_the_signed_letter(
    signed_letter: bytes, development_material: SigningMaterial, root_certificate: asn1_x509.Certificate
) -> None:
    result = verify_pdf(signed_letter, [root_certificate])

    assert (result.signed, result.intact, result.valid, result.trusted, result.covers_whole_file) == (
        True,
        True,
        True,
        True,
        True,
    )
    assert result.signer_fingerprint == certificate_fingerprint(development_material.load_signer().signing_cert)
    assert result.signing_time is not None
    assert result.timestamp_time is None
    assert result.message == "The signature is valid and trusted, and covers the whole file."
    assert result.authentic is True


def test_verify_pdf_takes_the_root_as_pem_bytes_or_a_cryptography_certificate(
    signed_letter: bytes, development_material: SigningMaterial
) -> None:
    pem = development_material.root_certificate_path.read_bytes()

    assert verify_pdf(signed_letter, [pem]).trusted is True
    assert verify_pdf(signed_letter, [x509.load_pem_x509_certificate(pem)]).trusted is True


def test_verify_pdf_reports_an_untrusted_signer_when_its_root_is_not_trusted(signed_letter: bytes) -> None:
    result = verify_pdf(signed_letter, [])

    assert (result.signed, result.intact, result.valid, result.trusted) == (True, True, True, False)
    assert result.message == (
        "The signature is intact, but the signing certificate is not trusted (NO_CERTIFICATE_CHAIN_FOUND)."
    )


def test_verify_pdf_notices_content_added_after_signing(
    signed_letter: bytes, root_certificate: asn1_x509.Certificate
) -> None:
    writer = IncrementalPdfFileWriter(BytesIO(signed_letter))
    info_reference = writer.trailer.raw_get("/Info")
    info_reference.get_object()["/Title"] = pdf_string("A different title")
    writer.mark_update(info_reference)
    output = BytesIO()
    writer.write(output)

    result = verify_pdf(output.getvalue(), [root_certificate])

    assert (result.intact, result.valid, result.trusted, result.covers_whole_file) == (True, True, True, False)
    assert (
        result.message == "The signature is valid and trusted, but content was added to the file after it was signed."
    )
    assert result.authentic is False


def test_garbage_bytes_are_reported_as_not_a_pdf(root_certificate: asn1_x509.Certificate) -> None:
    result = verify_pdf(b"GIF89a this is not a letter", [root_certificate])

    assert (result.signed, result.intact, result.valid, result.trusted) == (False, False, False, False)
    assert result.message == "Not a PDF file."


def test_truncated_signed_letter_is_reported_without_raising(
    signed_letter: bytes, root_certificate: asn1_x509.Certificate
) -> None:
    result = verify_pdf(signed_letter[: len(signed_letter) // 2], [root_certificate])

    assert (result.intact, result.trusted, result.authentic) == (False, False, False)
    assert result.message == "Not a readable PDF file: EOF marker not found"


def test_unsigned_pdf_is_reported_as_not_signed(
    rendered_letter: RenderedPdf, root_certificate: asn1_x509.Certificate
) -> None:
    result = verify_pdf(rendered_letter.pdf, [root_certificate])

    assert (result.signed, result.message) == (False, "The PDF is not signed.")


# --- certificates and signers -------------------------------------------------------------------------------------


def test_development_certificates_are_generated_once_and_then_reused(tmp_path: Path) -> None:
    first = ensure_development_certificates(tmp_path / "certs", ORGANIZATION)
    fingerprint = certificate_fingerprint(first.certificate_path.read_bytes())

    second = ensure_development_certificates(tmp_path / "certs", ORGANIZATION)

    assert (first.created, second.created) == (True, False)
    assert certificate_fingerprint(second.certificate_path.read_bytes()) == fingerprint
    assert stat.S_IMODE(os.stat(second.key_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(second.root_key_path).st_mode) == 0o600


def test_development_signer_is_rsa_3072_for_digital_signature_and_non_repudiation(
    development_material: SigningMaterial,
) -> None:
    certificate = x509.load_pem_x509_certificate(development_material.certificate_path.read_bytes())
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)
    root = x509.load_pem_x509_certificate(development_material.root_certificate_path.read_bytes())

    # What commercial CAs issue for document signing; an RSA signature keeps the letter a PDF 1.7 (PDF/A-3b) file.
    assert isinstance(certificate.public_key(), rsa.RSAPublicKey)
    assert certificate.public_key().key_size == 3072
    assert root.public_key().key_size == 3072
    assert (usage.critical, usage.value.digital_signature, usage.value.content_commitment) == (True, True, True)
    assert usage.value.key_cert_sign is False
    assert certificate.issuer == root.subject
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True


def test_certificate_fingerprint_is_the_sha256_of_the_der_encoding(development_material: SigningMaterial) -> None:
    certificate = x509.load_pem_x509_certificate(development_material.certificate_path.read_bytes())
    expected = certificate.fingerprint(hashes.SHA256()).hex()

    assert certificate_fingerprint(certificate) == expected
    assert certificate_fingerprint(development_material.load_signer().signing_cert) == expected
    assert len(expected) == 64


def test_signer_loads_from_a_pkcs12_file_with_its_password(
    development_material: SigningMaterial, tmp_path: Path
) -> None:
    key = serialization.load_pem_private_key(development_material.key_path.read_bytes(), password=None)
    certificate = x509.load_pem_x509_certificate(development_material.certificate_path.read_bytes())
    root = x509.load_pem_x509_certificate(development_material.root_certificate_path.read_bytes())
    bundle = tmp_path / "signer.p12"
    bundle.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signer", key, certificate, [root], serialization.BestAvailableEncryption(b"s3cret")
        )
    )

    signer = load_signer(pkcs12_path=bundle, pkcs12_password="s3cret")

    assert certificate_fingerprint(signer.signing_cert) == certificate_fingerprint(certificate)
    with pytest.raises(SigningConfigurationError) as wrong_password:
        load_signer(pkcs12_path=bundle, pkcs12_password="wrong")
    assert str(wrong_password.value) == f"Cannot open the PKCS#12 file {bundle}: wrong password or not a PKCS#12 file."


def test_signer_refuses_a_key_that_does_not_belong_to_the_certificate(development_material: SigningMaterial) -> None:
    with pytest.raises(SigningConfigurationError) as mismatch:
        load_signer(key_path=development_material.root_key_path, cert_path=development_material.certificate_path)

    assert str(mismatch.value) == (
        f"The private key {development_material.root_key_path} does not belong to the certificate "
        f"{development_material.certificate_path}."
    )


def test_signer_needs_a_key_and_a_certificate() -> None:
    with pytest.raises(SigningConfigurationError) as missing:
        load_signer(key_path="/nonexistent/key.pem")

    assert str(missing.value) == "A signer needs a PKCS#12 file, or both a key file and a certificate file."


def test_an_organization_name_longer_than_a_certificate_allows_still_makes_a_signer(tmp_path):
    organization = "Independent Medical Review Organization of the State of California, Northern District"

    material = ensure_development_certificates(tmp_path, organization, key_type="ec")

    subject = x509.load_pem_x509_certificate(material.certificate_path.read_bytes()).subject
    names = {attribute.oid: attribute.value for attribute in subject}
    assert names[NameOID.COMMON_NAME] == "Independent Medical Review Organiza Letter Signing (development)"  # 64
    assert names[NameOID.ORGANIZATION_NAME] == "Independent Medical Review Organization of the State of Californ"
