"""The organization's signer: the certificate and the roots a letter is verified against, from settings.

Loaded once per configuration (a PKCS#12 file, or a key and certificate; otherwise, never in production, a development
CA and signer generated on first use under ``PRIVATE_DIR/dev-signing``). Changes when the way certificates are
configured changes; the PAdES mechanics are ``letters/signing.py``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from pyhanko.keys import load_certs_from_pemder

from letters import development_ca, signing

SIGNATURE_REASON = "Independent Medical Review Final Determination"
SIGNATURE_LOCATION = "California"


@dataclass(frozen=True)
class SigningSetup:
    signer: object
    trust_roots: tuple
    fingerprint: str
    development: bool
    pdf_variant: str = signing.PDF_A_3B  # the PDF/A part the signer's key allows (signing.pdf_variant_for)


_setup_cache: dict[tuple, SigningSetup] = {}
_setup_lock = threading.Lock()


def _configuration_key() -> tuple:
    return (
        settings.SIGNING_PKCS12_PATH,
        settings.SIGNING_KEY_PATH,
        settings.SIGNING_CERT_PATH,
        tuple(settings.SIGNING_CHAIN_PATHS),
        tuple(settings.SIGNING_TRUST_ROOTS),
        str(settings.PRIVATE_DIR),
        settings.IMR_ORGANIZATION_NAME,
    )


def development_folder() -> Path:
    return Path(settings.PRIVATE_DIR) / "dev-signing"


def signing_setup() -> SigningSetup:
    """The organization's signer and the roots a letter is verified against, loaded once per configuration.

    A PKCS#12 file or a key and certificate from settings; otherwise (never in production) a development CA and
    signer generated on first use under ``PRIVATE_DIR/dev-signing``.
    """
    key = _configuration_key()
    setup = _setup_cache.get(key)
    if setup is not None:
        return setup
    with _setup_lock:
        setup = _setup_cache.get(key)
        if setup is None:
            setup = _setup_cache[key] = _load_setup()
    return setup


def _load_setup() -> SigningSetup:
    development = not (settings.SIGNING_PKCS12_PATH or settings.SIGNING_KEY_PATH)
    roots: list = []
    if development:
        if getattr(settings, "PRODUCTION", False):
            raise signing.SigningConfigurationError(
                "No signing certificate is configured: set SIGNING_PKCS12_PATH, or SIGNING_KEY_PATH and "
                "SIGNING_CERT_PATH (development certificates are never used in production)."
            )
        material = development_ca.ensure_development_certificates(development_folder(), settings.IMR_ORGANIZATION_NAME)
        signer = material.load_signer()
        roots.append(material.load_root_certificate())
    else:
        signer = signing.load_signer(
            pkcs12_path=settings.SIGNING_PKCS12_PATH or None,
            pkcs12_password=settings.SIGNING_PKCS12_PASSWORD or None,
            key_path=settings.SIGNING_KEY_PATH or None,
            cert_path=settings.SIGNING_CERT_PATH or None,
            chain_paths=settings.SIGNING_CHAIN_PATHS,
            key_password=settings.SIGNING_KEY_PASSWORD or None,
        )
    for path in settings.SIGNING_TRUST_ROOTS:
        try:
            roots.extend(load_certs_from_pemder([str(path)]))
        except (OSError, ValueError) as error:
            raise signing.SigningConfigurationError(f"Cannot read the trust root {path}: {error}") from error
    if not roots and not development:
        # No roots configured: trust the top of the configured chain (the organization's own CA).
        roots.extend(signer.cert_registry)
    return SigningSetup(
        signer=signer,
        trust_roots=tuple(roots),
        fingerprint=signing.certificate_fingerprint(signer.signing_cert),
        development=development,
        pdf_variant=signing.pdf_variant_for(signer),
    )


def signer_name() -> str:
    """The signature's /Name: "Name, Title, Organization", or "Title, Organization" when no name is set."""
    parts = (settings.IMR_MEDICAL_DIRECTOR_NAME, settings.IMR_MEDICAL_DIRECTOR_TITLE, settings.IMR_ORGANIZATION_NAME)
    return ", ".join(part.strip() for part in parts if part and part.strip())


def sign_rendered(rendered, *, setup: SigningSetup | None = None, reason: str = SIGNATURE_REASON) -> bytes:
    """Sign a rendered letter (visible field over its ``#signature-block``), with a timestamp if a TSA is set.

    Render it in ``setup.pdf_variant``: a PDF/A-3b file cannot take an EC signature
    (:class:`signing.PdfVersionConflict`). ``reason``: the signature's /Reason (an invoice is no determination)."""
    setup = setup or signing_setup()
    box = rendered.signature_box
    return signing.sign_pdf(
        rendered.pdf,
        setup.signer,
        field_box=box.rect if box else None,
        page=box.page_index if box else -1,
        reason=reason,
        location=SIGNATURE_LOCATION,
        name=signer_name(),
        timestamp_url=settings.TIMESTAMP_URL or None,
    )
