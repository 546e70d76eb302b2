"""PAdES signatures on rendered letters, with pyHanko, and their verification (development certificates:
``letters/development_ca.py``).

Plain functions, no Django. The letter's HTML draws the signature block itself; the signature field either is
invisible or has a rectangle over that block with an empty appearance (pyHanko draws nothing, so no non-embedded
font enters the PDF/A file).

The signing key decides the PDF/A part (:func:`pdf_variant_for`): an RSA signature is part of PDF 1.7, so the letter
is PDF/A-3b; an ECDSA or EdDSA signature is declared by pyHanko as the ISO/TS 32002 extension of PDF 2.0 (catalog
``/Version /2.0`` and ``/Extensions``), so the letter is rendered as PDF/A-4 (PDF 2.0) from the start.
:func:`sign_pdf` refuses to turn a PDF 1.7 file into a PDF 2.0 one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import functools
import hashlib
import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils.generic import Reference
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import NoOpStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

SIGNATURE_FIELD_NAME = "Signature1"
TIMESTAMP_TIMEOUT_SECONDS = 10

# The PDF/A variants of letters.pdf (kept as strings here: this module does not import the renderer).
PDF_A_3B = "pdf/a-3b"
PDF_A_4 = "pdf/a-4"

Certificate = asn1_x509.Certificate | x509.Certificate | bytes


class SigningConfigurationError(ValueError):
    """The signing key or certificates could not be loaded: a message that names the file and the problem."""


def _outside_event_loop(function):
    """pyHanko's synchronous API calls ``asyncio.run``, which fails in a thread that already runs an event loop
    (an async server, Playwright's sync API in tests). There, the call runs in a helper thread instead."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return function(*args, **kwargs)
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executor:
            return executor.submit(function, *args, **kwargs).result()

    return wrapper


# --- loading a signer ---------------------------------------------------------------------------------------------


class CachedKeySigner(signers.SimpleSigner):
    """A :class:`~pyhanko.sign.signers.SimpleSigner` that parses its private key once.

    pyHanko's parses the DER key on every signature, and ``cryptography`` checks an RSA private key's consistency
    each time it loads one: about 100 ms for a 3072-bit key on a quiet machine (several times that under load), for
    every letter. RSA (PKCS#1 v1.5 and PSS) and ECDSA use the parsed key; anything else goes to pyHanko's code.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._private_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algorithm = mechanism.signature_algo  # "rsassa_pkcs1v15" for sha256_rsa, "ecdsa" for sha256_ecdsa...
        except ValueError:
            algorithm = mechanism["algorithm"].native
        key = self._private_key
        if algorithm == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if algorithm == "rsassa_pss" and isinstance(key, rsa.RSAPrivateKey):
            pss_padding, hash_algorithm = process_pss_params(mechanism["parameters"])
            return key.sign(data, pss_padding, hash_algorithm)
        if algorithm == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        return super().sign_raw(data, digest_algorithm)

    @classmethod
    def from_simple_signer(cls, signer: signers.SimpleSigner) -> CachedKeySigner:
        return cls(signing_cert=signer.signing_cert, signing_key=signer.signing_key, cert_registry=signer.cert_registry)


def _password(value: str | bytes | None) -> bytes | None:
    return value.encode() if isinstance(value, str) else value


def _load_chain(chain_paths: Iterable[Path | str]) -> list[asn1_x509.Certificate]:
    chain = []
    for path in chain_paths:
        try:
            chain.extend(load_certs_from_pemder([str(path)]))
        except (OSError, ValueError) as error:
            raise SigningConfigurationError(f"Cannot read the certificate chain file {path}: {error}") from error
    return chain


def load_signer(
    *,
    pkcs12_path: Path | str | None = None,
    pkcs12_password: str | bytes | None = None,
    key_path: Path | str | None = None,
    cert_path: Path | str | None = None,
    chain_paths: Sequence[Path | str] = (),
    key_password: str | bytes | None = None,
) -> signers.SimpleSigner:
    """A signer from a PKCS#12 file, or from a PEM/DER private key and certificate (plus chain certificates).

    Raises :class:`SigningConfigurationError` with the file and the reason when anything is missing or wrong,
    including a key that does not belong to the certificate.
    """
    chain = _load_chain(chain_paths)
    if pkcs12_path is not None:
        if key_path is not None or cert_path is not None:
            raise SigningConfigurationError("Give either a PKCS#12 file or a key and a certificate, not both.")
        try:
            data = Path(pkcs12_path).read_bytes()
        except OSError as error:
            raise SigningConfigurationError(f"Cannot read the PKCS#12 file {pkcs12_path}: {error}") from error
        try:
            loaded = signers.SimpleSigner.load_pkcs12_data(
                data, other_certs=chain, passphrase=_password(pkcs12_password)
            )
            return CachedKeySigner.from_simple_signer(loaded)
        except ValueError as error:
            raise SigningConfigurationError(
                f"Cannot open the PKCS#12 file {pkcs12_path}: wrong password or not a PKCS#12 file."
            ) from error
    if key_path is None or cert_path is None:
        raise SigningConfigurationError("A signer needs a PKCS#12 file, or both a key file and a certificate file.")
    try:
        key = load_private_key_from_pemder(str(key_path), passphrase=_password(key_password))
    except (OSError, ValueError, TypeError) as error:
        raise SigningConfigurationError(f"Cannot read the private key {key_path}: {error}") from error
    try:
        certificate = load_cert_from_pemder(str(cert_path))
    except (OSError, ValueError) as error:
        raise SigningConfigurationError(f"Cannot read the certificate {cert_path}: {error}") from error
    private_key = serialization.load_der_private_key(key.dump(), password=None)
    public_key = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public_key != certificate.public_key.dump():
        raise SigningConfigurationError(f"The private key {key_path} does not belong to the certificate {cert_path}.")
    return CachedKeySigner(
        signing_cert=certificate, signing_key=key, cert_registry=SimpleCertificateStore.from_certs(chain)
    )


# --- signing ------------------------------------------------------------------------------------------------------


def pdf_variant_for(signer: signers.Signer) -> str:
    """The PDF/A variant a letter signed by ``signer`` must be rendered in: PDF/A-3b for an RSA key, PDF/A-4 for
    any other (ECDSA, EdDSA), whose signature pyHanko declares as an extension of PDF 2.0."""
    algorithm = signer.signing_cert.public_key.algorithm
    return PDF_A_3B if algorithm in ("rsa", "rsassa_pss") else PDF_A_4


class PdfVersionConflict(SigningConfigurationError):
    """The signature would need a newer PDF version than the file's PDF/A part allows."""


def _drop_producer(writer: IncrementalPdfFileWriter) -> None:
    # pyHanko appends itself to Info's /Producer ("WeasyPrint 70.0; pyHanko ...") but writes only its own name into
    # the XMP pdf:Producer; PDF/A wants the two to agree. Without Info's entry, pyHanko writes the same in both.
    try:
        info_reference = writer.trailer.raw_get("/Info")
    except KeyError:
        return
    if not isinstance(info_reference, Reference):
        info_reference = info_reference.reference
    info = info_reference.get_object()
    if "/Producer" in info:
        del info["/Producer"]
        writer.mark_update(info_reference)


# pyHanko sizes a signature's /Contents by building a whole dummy CMS signed data first, as large as the real one (a
# third of the signing time, and with a timestamp authority one more request to it). The size depends only on the
# signer, the digest and the TSA, so it is learnt from the first signature of each and reserved for the next ones.
_reserved_sizes: weakref.WeakKeyDictionary[signers.Signer, dict[str | None, int]] = weakref.WeakKeyDictionary()
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+\d+\s*\]")


def _reserved_size(signed: bytes) -> int:
    """The hex digits the last signature of ``signed`` reserved: the gap of its /ByteRange, less the ``<`` ``>``."""
    start, end = _BYTE_RANGE.findall(signed)[-1]
    return int(end) - int(start) - 2


@_outside_event_loop
def sign_pdf(
    pdf: bytes,
    signer: signers.Signer,
    *,
    field_box: tuple[float, float, float, float] | None,
    page: int,
    reason: str,
    location: str,
    name: str,
    timestamp_url: str | None = None,
    field_name: str = SIGNATURE_FIELD_NAME,
) -> bytes:
    """Sign ``pdf`` with a PAdES baseline signature (SHA-256) added as an incremental update.

    ``field_box`` is ``(x1, y1, x2, y2)`` in PDF points from the bottom left of page ``page`` (0-based, negative
    counts from the end), e.g. :attr:`letters.pdf.SignatureBox.rect`; ``None`` gives an invisible field. The field's
    appearance stays empty: the letter's HTML draws the signature block. With ``timestamp_url`` an RFC 3161
    timestamp is requested from that TSA and embedded (PAdES B-T).
    """
    options = {
        "field_box": field_box,
        "page": page,
        "reason": reason,
        "location": location,
        "name": name,
        "timestamp_url": timestamp_url,
        "field_name": field_name,
    }
    sizes = _reserved_sizes.setdefault(signer, {})
    reserved = sizes.get(timestamp_url)
    if reserved is not None:
        try:
            return _sign(pdf, signer, bytes_reserved=reserved, **options)
        except SigningError as error:
            if "allocated" not in str(error):  # not "Final ByteRange ... allocated N bytes, but contents ..."
                raise
            # A larger signature than the first one (a TSA's answer grew): let pyHanko size it afresh.
    signed = _sign(pdf, signer, bytes_reserved=None, **options)
    sizes[timestamp_url] = _reserved_size(signed)
    return signed


def _sign(
    pdf: bytes,
    signer: signers.Signer,
    *,
    field_box: tuple[float, float, float, float] | None,
    page: int,
    reason: str,
    location: str,
    name: str,
    timestamp_url: str | None,
    field_name: str,
    bytes_reserved: int | None,
) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    _drop_producer(writer)
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=name,
    )
    # Created here rather than by PdfSigner: append_signature_field gives a visible field an empty appearance
    # stream, which PDF/A requires of every widget with an area; PdfSigner's own field has none. Both land in the
    # same incremental update.
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=field_box))
    timestamper = (
        timestamps.HTTPTimeStamper(timestamp_url, timeout=TIMESTAMP_TIMEOUT_SECONDS) if timestamp_url else None
    )
    # NoOpStampStyle: keep that empty appearance; the letter's HTML already draws the signature block.
    pdf_signer = signers.PdfSigner(metadata, signer, timestamper=timestamper, stamp_style=NoOpStampStyle())
    output = pdf_signer.sign_pdf(writer, existing_fields_only=True, bytes_reserved=bytes_reserved)
    if pdf.startswith(b"%PDF-1.") and writer.output_version >= (2, 0):
        # pyHanko bumped the catalog to PDF 2.0 (an ECDSA/EdDSA key): a PDF/A-3b file would contradict its claim.
        raise PdfVersionConflict(
            "This signing key needs PDF 2.0 (ISO/TS 32002): render the letter as PDF/A-4 (see pdf_variant_for), "
            "not as a PDF 1.7 file."
        )
    return output.getvalue()


# --- certificates and verification --------------------------------------------------------------------------------


def _as_asn1_certificate(certificate: Certificate) -> asn1_x509.Certificate:
    if isinstance(certificate, asn1_x509.Certificate):
        return certificate
    if isinstance(certificate, x509.Certificate):
        return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    if isinstance(certificate, bytes):
        if certificate.lstrip().startswith(b"-----BEGIN"):
            certificate = x509.load_pem_x509_certificate(certificate).public_bytes(serialization.Encoding.DER)
        return asn1_x509.Certificate.load(certificate)
    raise TypeError(f"Not a certificate: {type(certificate).__name__}")


def certificate_fingerprint(cert: Certificate) -> str:
    """SHA-256 of the certificate's DER encoding, 64 lowercase hex digits.

    Takes an asn1crypto or a cryptography certificate, or PEM/DER bytes.
    """
    return hashlib.sha256(_as_asn1_certificate(cert).dump()).hexdigest()


@dataclass(frozen=True)
class VerificationResult:
    """What :func:`verify_pdf` found. ``message`` is one sentence for people; the booleans are for code.

    ``intact``: the signed bytes are unchanged. ``valid``: the signature value is cryptographically correct.
    ``trusted``: the signer's certificate chains to one of the trust roots (and has the required key usage).
    ``covers_whole_file``: nothing was appended after the signature. ``signing_time`` is the time the signer
    claims; ``timestamp_time`` the time certified by a trusted timestamp authority, when there is one.
    """

    signed: bool
    intact: bool
    valid: bool
    trusted: bool
    signer_fingerprint: str | None
    signing_time: datetime.datetime | None
    covers_whole_file: bool
    message: str
    timestamp_time: datetime.datetime | None = None

    @property
    def authentic(self) -> bool:
        """Signed, unchanged since, by a trusted certificate: the letter is what the organization issued."""
        return self.signed and self.intact and self.valid and self.trusted and self.covers_whole_file


def _failure(message: str, *, signed: bool = False) -> VerificationResult:
    return VerificationResult(
        signed=signed,
        intact=False,
        valid=False,
        trusted=False,
        signer_fingerprint=None,
        signing_time=None,
        covers_whole_file=False,
        message=message,
    )


@_outside_event_loop
def verify_pdf(pdf: bytes, trust_roots: Sequence[Certificate]) -> VerificationResult:
    """Check the last signature of ``pdf`` against ``trust_roots`` without going on the network.

    Never raises on bad input: a file that is not a PDF, is truncated or is unsigned gives a result saying so.
    Uses ``asyncio.run`` inside (through pyHanko): call it from synchronous code.
    """
    if not isinstance(pdf, bytes | bytearray) or b"%PDF-" not in pdf[:1024]:
        return _failure("Not a PDF file.")
    try:
        roots = [_as_asn1_certificate(root) for root in trust_roots]
    except (TypeError, ValueError) as error:
        return _failure(f"A trust root could not be read: {error}")
    # pyHanko raises many kinds of errors on damaged files (PdfReadError, KeyError, struct and ASN.1 errors...):
    # whatever the parser throws means the file cannot be checked, which is the answer.
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:
        return _failure(f"Not a readable PDF file: {error}")
    if not signatures:
        return _failure("The PDF is not signed.")
    signature = signatures[-1]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = validate_pdf_signature(signature, context)
    except Exception as error:
        return _failure(f"The signature could not be checked: {error}", signed=True)

    covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    timestamp = status.timestamp_validity
    timestamp_time = timestamp.timestamp if timestamp is not None and timestamp.trusted else None
    if not status.intact:
        message = "The document was changed after it was signed: the signature does not match its content."
    elif not status.valid:
        message = "The signature value is not valid."
    elif not status.trusted:
        problem = status.trust_problem_indic.name if status.trust_problem_indic else "no path to a trusted root"
        message = f"The signature is intact, but the signing certificate is not trusted ({problem})."
    elif not covers_whole_file:
        message = "The signature is valid and trusted, but content was added to the file after it was signed."
    else:
        message = "The signature is valid and trusted, and covers the whole file."
    return VerificationResult(
        signed=True,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        signer_fingerprint=certificate_fingerprint(status.signing_cert),
        signing_time=status.signer_reported_dt,
        covers_whole_file=covers_whole_file,
        message=message,
        timestamp_time=timestamp_time,
    )
