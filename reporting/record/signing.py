"""The trust's signing key and certificate for the board record (settings BOARD_RECORD_*), and a
demo pair for `make run`.

With no key configured the archival PDFs are made unsigned, and the pages say so; a key that is
configured but cannot be read is an error that stops a PDF being kept unsigned by mistake.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


class SigningUnavailable(Exception):
    """A signing key is configured but cannot be used: the sentence says why."""


@dataclass(frozen=True)
class Signing:
    signer: object  # pyhanko.sign.signers.SimpleSigner
    timestamp_url: str

    @property
    def subject(self) -> str:
        return self.signer.signing_cert.subject.human_friendly


def configured() -> bool:
    return bool(settings.BOARD_RECORD_SIGNING_KEY or settings.BOARD_RECORD_SIGNING_KEY_PEM)


def signing() -> Signing | None:
    """The trust's signer, or None where no key is configured."""
    if not configured():
        return None
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder_data
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    passphrase = settings.BOARD_RECORD_SIGNING_KEY_PASSPHRASE.encode() or None
    try:
        key_data = (
            settings.BOARD_RECORD_SIGNING_KEY_PEM.encode()
            or Path(settings.BOARD_RECORD_SIGNING_KEY).read_bytes()
        )
        key = load_private_key_from_pemder_data(key_data, passphrase=passphrase)
    except (OSError, ValueError, TypeError) as error:
        message = f"The board record's signing key cannot be read: {error}."
        raise SigningUnavailable(message) from error
    if not settings.BOARD_RECORD_SIGNING_CERT:
        raise SigningUnavailable(
            "A signing key is set but no certificate: set BOARD_RECORD_SIGNING_CERT."
        )
    try:
        cert = load_cert_from_pemder(settings.BOARD_RECORD_SIGNING_CERT)
        chain = [load_cert_from_pemder(path) for path in settings.BOARD_RECORD_CERT_CHAIN]
    except (OSError, ValueError, TypeError) as error:
        raise SigningUnavailable(
            f"The board record's signing certificate cannot be read: {error}."
        ) from error
    registry = SimpleCertificateStore()
    registry.register_multiple(chain)
    signer = SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=registry)
    return Signing(signer, settings.BOARD_RECORD_TSA_URL)


def trusted_certificates(paths=None) -> list:
    """The certificates a verification trusts: `paths`, else the configured certificate and its
    chain (PEM or DER files)."""
    from pyhanko.keys import load_certs_from_pemder

    if paths is None:
        paths = [settings.BOARD_RECORD_SIGNING_CERT, *settings.BOARD_RECORD_CERT_CHAIN]
    return list(load_certs_from_pemder([p for p in paths if p]))


def make_demo_pair(folder: Path, organisation: str) -> tuple[Path, Path]:
    """A private key and a self-signed certificate for a developer's machine: signatures made
    with them verify against that certificate and prove nothing to anyone else."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True)
    # RSA, as most trusts' certificate authorities issue: pyHanko signs with an elliptic-curve
    # key by ISO 32002, which declares PDF 2.0, and PDF/A-3 is a PDF 1.7 format.
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "uhbplan demo board record signing"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / "demo-signing-key.pem", folder / "demo-signing-cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path
