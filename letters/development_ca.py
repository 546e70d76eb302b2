"""A development CA and letter signer, generated on first use when no organization certificate is configured
(``letters.services.signing_setup``; never in production, where the certificate must be configured), and by tests."""

from __future__ import annotations

import datetime
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.sign import signers

from letters.signing import load_signer

ROOT_CERTIFICATE_FILE = "root-ca.pem"
ROOT_KEY_FILE = "root-ca-key.pem"
SIGNER_CERTIFICATE_FILE = "signer.pem"
SIGNER_KEY_FILE = "signer-key.pem"
ROOT_VALIDITY = datetime.timedelta(days=3650)
SIGNER_VALIDITY = datetime.timedelta(days=730)
# What commercial CAs issue for document signing (AATL members): RSA, 3072 bits (NIST SP 800-57 for use past 2030).
RSA_KEY_SIZE = 3072
KEY_TYPES = ("rsa", "ec")


@dataclass(frozen=True)
class SigningMaterial:
    """PEM files of a development CA and signer, as written by :func:`ensure_development_certificates`."""

    root_certificate_path: Path
    root_key_path: Path
    certificate_path: Path
    key_path: Path
    created: bool  # True when this call generated the files, False when it reused them

    def load_signer(self) -> signers.SimpleSigner:
        return load_signer(
            key_path=self.key_path, cert_path=self.certificate_path, chain_paths=(self.root_certificate_path,)
        )

    def load_root_certificate(self) -> asn1_x509.Certificate:
        return load_cert_from_pemder(str(self.root_certificate_path))


# RFC 5280's upper bounds (ub-organization-name, ub-common-name): a longer organization name is cut to fit, the
# certificate's role kept whole, instead of every letter failing to sign.
UB_NAME = 64


def _name(organization: str, role: str) -> x509.Name:
    """The subject of one of the development certificates: the organization and "<organization> <role>"."""
    suffix = f" {role}"
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:UB_NAME].rstrip()),
            x509.NameAttribute(NameOID.COMMON_NAME, organization[: UB_NAME - len(suffix)].rstrip() + suffix),
        ]
    )


def _write_private(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def _write_public(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _pem_key(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _new_key(key_type: str) -> ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey:
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_SIZE)
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"key_type must be one of {', '.join(KEY_TYPES)}, not {key_type!r}")


def _key_usage(**allowed: bool) -> x509.KeyUsage:
    usages = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement")
    usages += ("key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{usage: allowed.get(usage, False) for usage in usages})


def _root_certificate(root_key, root_name: x509.Name, now: datetime.datetime) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + ROOT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )


def _signer_certificate(signer_key, root_key, root_name: x509.Name, organization: str, now) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(_name(organization, "Letter Signing (development)"))
        .issuer_name(root_name)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + SIGNER_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # content_commitment is nonRepudiation, which pyHanko's validator requires by default.
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )


def _generate(folder: Path, organization: str, key_type: str) -> None:
    now = datetime.datetime.now(datetime.UTC)
    root_key, signer_key = _new_key(key_type), _new_key(key_type)
    root_name = _name(organization, "Development Root CA")
    root = _root_certificate(root_key, root_name, now)
    signer = _signer_certificate(signer_key, root_key, root_name, organization, now)
    # Keys first and the root certificate last: a folder with the root certificate in it is a complete one.
    _write_private(folder / ROOT_KEY_FILE, _pem_key(root_key))
    _write_private(folder / SIGNER_KEY_FILE, _pem_key(signer_key))
    _write_public(folder / SIGNER_CERTIFICATE_FILE, signer.public_bytes(serialization.Encoding.PEM))
    _write_public(folder / ROOT_CERTIFICATE_FILE, root.public_bytes(serialization.Encoding.PEM))


def ensure_development_certificates(folder: Path, organization: str, *, key_type: str = "rsa") -> SigningMaterial:
    """Return the development CA and signer in ``folder``, generating them on first use.

    RSA 3072-bit keys by default, as production document-signing certificates are (``key_type="ec"``: P-256, for
    tests of the PDF/A-4 path); the signer certificate has digitalSignature and nonRepudiation. The files are reused
    as they are afterwards (whatever ``organization`` or ``key_type`` say then); delete the folder to start over.
    Keys are written with mode 0600, unencrypted: for development and tests only, in a folder kept out of git. Safe
    to call from several processes at once (a lock file serializes the first generation).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    material = SigningMaterial(
        root_certificate_path=folder / ROOT_CERTIFICATE_FILE,
        root_key_path=folder / ROOT_KEY_FILE,
        certificate_path=folder / SIGNER_CERTIFICATE_FILE,
        key_path=folder / SIGNER_KEY_FILE,
        created=False,
    )
    paths = (material.root_certificate_path, material.root_key_path, material.certificate_path, material.key_path)
    if all(path.exists() for path in paths):
        return material
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if all(path.exists() for path in paths):
            return material
        _generate(folder, organization, key_type)
    return SigningMaterial(**{**material.__dict__, "created": True})
