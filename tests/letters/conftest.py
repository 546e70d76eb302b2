"""Shared fixtures of the letter engine tests: a sample 3-page letter, a temporary CA, an NSS database, a local TSA."""

from __future__ import annotations

import datetime
import html
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper

from letters.development_ca import SigningMaterial, ensure_development_certificates
from letters.pdf import RenderedPdf, qr_code_svg, render_pdf
from letters.signing import sign_pdf

ORGANIZATION = "Example Review Organization"
CASE_NUMBER = "CM16-0999999"
VERIFICATION_URL = "https://imr.example.org/verify/7f3c2a9e"
TIMESTAMP_TIME = datetime.datetime(2026, 11, 2, 15, 30, tzinfo=datetime.UTC)

_SUMMARY = (
    "The injured worker is a 52-year-old warehouse lead who sustained an industrial injury on 03/14/2016 while "
    "lifting a pallet jack. The diagnoses include lumbar radiculopathy, lumbar disc protrusion at L4-L5 and "
    "myofascial pain. Treatment to date has included physical therapy, chiropractic manipulation, a home exercise "
    "program, naproxen and cyclobenzaprine. On 10/04/2016 the injured worker reported low back pain radiating to "
    "the left calf, rated 7 on a 10-point scale, worse with prolonged sitting. Examination showed tenderness of the "
    "lumbar paraspinal muscles, a positive straight leg raise on the left at 40 degrees and decreased sensation "
    "over the left L5 dermatome."
)
_RATIONALE = (
    "The MTUS recommends physical medicine with a fading of treatment frequency, from up to three visits a week to "
    "one or less, plus active self-directed home physical medicine, for 9-10 visits over 8 weeks for myalgia and "
    "myositis and 8-10 visits over 4 weeks for neuralgia, neuritis and radiculitis. The records document 18 prior "
    "sessions of physical therapy without objective functional improvement, and the injured worker was instructed "
    "in a home exercise program."
)


def sample_letter_html(*, case_number: str = CASE_NUMBER) -> str:
    """A determination letter in the published format that lays out on exactly 3 US Letter pages."""
    summary = "".join(f"<p>{_SUMMARY}</p>" for _ in range(4))
    items = "".join(
        f"""
        <h3>{item}: <span class="determination">Upheld</span></h3>
        <p><strong>Claims Administrator guideline:</strong> Decision based on MTUS Chronic Pain Medical Treatment 2016,
        Section(s): Physical Medicine.</p>
        <p><strong>{ORGANIZATION} guideline:</strong> Decision based on MTUS Chronic Pain Medical Treatment 2016,
        Section(s): Physical Medicine.</p>
        <p><strong>Decision rationale:</strong> {_RATIONALE} {_RATIONALE} Therefore the request for
        {item.lower()} is <em>not medically necessary</em>.</p>
        """
        for item in ("Physical therapy 12 sessions", "Chiropractic manipulation 8 sessions", "Acupuncture 6 sessions")
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Independent Medical Review Final Determination {case_number}</title>
<meta name="author" content="{ORGANIZATION}">
</head>
<body>
<p id="organization-name" class="sans"><strong>{ORGANIZATION}</strong></p>
<table class="case-facts">
  <tr><th>Case Number:</th><td id="case-number">{case_number}</td><th>Date Assigned:</th><td>10/20/2016</td></tr>
  <tr><th>Date of Injury:</th><td>03/14/2016</td><th>Decision Date:</th><td>11/18/2016</td></tr>
  <tr><th>UR Denial Date:</th><td>10/11/2016</td><th>Priority:</th><td>Standard</td></tr>
</table>
<h2>How the IMR final determination was made</h2>
<p>{ORGANIZATION} sent the complete case file to an expert reviewer. The reviewer has no affiliation with the
employer, employee, providers or the claims administrator, has been in active clinical practice for more than five
years and currently works at least 24 hours a week in active practice.</p>
<p>The Expert Reviewer has the following credentials:<br>State(s) of Licensure: California<br>
Certification(s)/Specialty: Physical Medicine &amp; Rehabilitation</p>
<h2>Clinical case summary</h2>
<p>The expert reviewer developed the following clinical case summary based on a review of the case file, including
all medical records:</p>
{summary}
<h2>IMR issues, decisions and rationales</h2>
<p>The Final Determination was based on decisions for the disputed items/services set forth below:</p>
{items}
<div id="signature-block" style="height: 60pt">
  <p>Signed electronically on behalf of {ORGANIZATION}</p>
  <p><strong>Medical Director</strong></p>
</div>
<div class="verification">
  <div class="verification-qr">{qr_code_svg(VERIFICATION_URL)}</div>
  <p>Check that this letter is authentic and unaltered at {html.escape(VERIFICATION_URL)}</p>
</div>
</body>
</html>
"""


@pytest.fixture(scope="session")
def rendered_letter() -> RenderedPdf:
    return render_pdf(sample_letter_html())


@pytest.fixture(scope="session")
def development_material(tmp_path_factory: pytest.TempPathFactory) -> SigningMaterial:
    return ensure_development_certificates(tmp_path_factory.mktemp("signing"), ORGANIZATION)


@pytest.fixture(scope="session")
def ec_material(tmp_path_factory: pytest.TempPathFactory) -> SigningMaterial:
    """A development CA and signer with EC P-256 keys (the default is RSA): letters signed with it are PDF/A-4."""
    return ensure_development_certificates(tmp_path_factory.mktemp("signing-ec"), ORGANIZATION, key_type="ec")


@pytest.fixture(scope="session")
def root_certificate(development_material: SigningMaterial) -> asn1_x509.Certificate:
    return development_material.load_root_certificate()


@pytest.fixture(scope="session")
def signed_letter(rendered_letter: RenderedPdf, development_material: SigningMaterial) -> bytes:
    box = rendered_letter.signature_box
    assert box is not None
    return sign_pdf(
        rendered_letter.pdf,
        development_material.load_signer(),
        field_box=box.rect,
        page=box.page_index,
        reason="Independent Medical Review Final Determination",
        location="Sacramento, CA",
        name="Medical Director",
    )


@pytest.fixture(scope="session")
def nss_database(
    tmp_path_factory: pytest.TempPathFactory, development_material: SigningMaterial, ec_material: SigningMaterial
) -> str:
    """An NSS certificate database that trusts the test roots (RSA and EC), as ``sql:DIR`` for ``pdfsig -nssdir``."""
    folder = tmp_path_factory.mktemp("nss")
    database = f"sql:{folder}"
    subprocess.run(["certutil", "-N", "-d", database, "--empty-password"], check=True, capture_output=True)
    for nickname, material in (("imr-test-root", development_material), ("imr-test-root-ec", ec_material)):
        subprocess.run(
            [
                "certutil",
                "-A",
                "-d",
                database,
                "-n",
                nickname,
                "-t",
                "CT,C,C",
                "-i",
                str(material.root_certificate_path),
            ],
            check=True,
            capture_output=True,
        )
    return database


def _issue_tsa_certificate(material: SigningMaterial) -> tuple[asn1_x509.Certificate, asn1_keys.PrivateKeyInfo]:
    """An RSA timestamping certificate under the test root (pyHanko's dummy TSA signs with RSA only)."""
    root_key = serialization.load_pem_private_key(material.root_key_path.read_bytes(), password=None)
    root = x509.load_pem_x509_certificate(material.root_certificate_path.read_bytes())
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "IMR Test Timestamping Authority")]))
        .issuer_name(root.subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=60))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    return (
        asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
    )


@dataclass(frozen=True)
class LocalTimestampAuthority:
    url: str
    requests: list[bytes]


@pytest.fixture(scope="session")
def timestamp_authority(
    development_material: SigningMaterial, root_certificate: asn1_x509.Certificate
) -> Iterator[LocalTimestampAuthority]:
    """An RFC 3161 server on 127.0.0.1 that stamps every request with ``TIMESTAMP_TIME``."""
    certificate, key = _issue_tsa_certificate(development_material)
    stamper = DummyTimeStamper(
        tsa_cert=certificate, tsa_key=key, certs_to_embed=[root_certificate], fixed_dt=TIMESTAMP_TIME
    )
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(body)
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalTimestampAuthority(url=f"http://127.0.0.1:{server.server_port}/tsa", requests=received)
    finally:
        server.shutdown()
        server.server_close()
