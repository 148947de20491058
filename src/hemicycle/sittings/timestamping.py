"""RFC 3161 timestamps of convocation manifests: proof that a sending list and its files
existed, unchanged, at a given time (CE 30 March 2021, n° 446461: receipt must be provable).

Two timestamp services:

- **Embedded** (default, ``make demo``): Hémicycle runs its own timestamping authority. On
  first use it creates an RSA key and a self-signed certificate with the critical
  ``timeStamping`` extended key usage under ``DATA_DIR/tsa/`` (folder 0700, key 0600) and signs
  RFC 3161 ``TimeStampToken``s with them (pyHanko's ``DummyTimeStamper`` does the ASN.1).
  Its evidential weight is that of the server's clock and of the key's custody: keep
  ``DATA_DIR/tsa/`` backed up, and share that folder between machines running workers.
- **External**: ``HEMICYCLE_TSA_URL`` (setting or environment variable) names an RFC 3161
  service over HTTP (pyHanko's ``HTTPTimeStamper``); ``HEMICYCLE_TSA_USER`` /
  ``HEMICYCLE_TSA_PASSWORD`` for basic authentication, ``HEMICYCLE_TSA_CERT`` the path of the
  PEM certificate (or CA certificate) to trust when verifying its tokens.

``verify`` checks a token against the bytes it should cover: the message imprint, the CMS
signature with the certificate the token carries, and whether that certificate is trusted
(the embedded TSA's certificate, or ``HEMICYCLE_TSA_CERT``).
"""

import asyncio
import concurrent.futures
import datetime
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import cms, keys, pem, tsp, x509
from django.conf import settings

from hemicycle.core.keyfolders import ensure_key_folder

KEY_FILE = "tsa-key.pem"
CERT_FILE = "tsa-cert.pem"
DIGEST = "sha256"


class TimestampError(Exception):
    """The timestamp service could not give a token (message in French, for people)."""


def _setting(name: str, default: str = "") -> str:
    return str(getattr(settings, name, "") or os.environ.get(name, default) or "")


def tsa_url() -> str:
    return _setting("HEMICYCLE_TSA_URL")


def tsa_dir() -> Path:
    return Path(settings.DATA_DIR) / "tsa"


# --- Embedded timestamping authority ------------------------------------------------------

def _create_tsa_files(target: Path) -> None:
    """Write a new key and self-signed TSA certificate into ``target`` (a fresh folder)."""
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = cx509.Name([
        cx509.NameAttribute(NameOID.COMMON_NAME, "Hémicycle — autorité d'horodatage intégrée"),
        cx509.NameAttribute(NameOID.ORGANIZATION_NAME, "Hémicycle"),
        cx509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
    ])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        cx509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(cx509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * 30))
        .add_extension(cx509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(cx509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                      data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                      crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(cx509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(cx509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path = target / KEY_FILE
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    (target / CERT_FILE).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    os.chmod(target / CERT_FILE, 0o644)


def ensure_embedded_tsa() -> Path:
    """The folder of the embedded TSA, created once (atomically: concurrent workers agree)."""
    return ensure_key_folder(tsa_dir(), _create_tsa_files, (CERT_FILE, KEY_FILE))


def _load_pem(path: Path) -> bytes:
    data = path.read_bytes()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return data


def embedded_certificate() -> x509.Certificate:
    return x509.Certificate.load(_load_pem(ensure_embedded_tsa() / CERT_FILE))


def _embedded_key() -> keys.PrivateKeyInfo:
    return keys.PrivateKeyInfo.load(_load_pem(ensure_embedded_tsa() / KEY_FILE))


def trusted_certificates() -> list[x509.Certificate]:
    """Certificates a token may be trusted against: the configured one for an external TSA,
    and the embedded TSA's certificate when it exists."""
    certs = []
    configured = _setting("HEMICYCLE_TSA_CERT")
    if configured and Path(configured).exists():
        data = Path(configured).read_bytes()
        for _, _, der in pem.unarmor(data, multiple=True) if pem.detect(data) else [(None, None, data)]:
            certs.append(x509.Certificate.load(der))
    if (tsa_dir() / CERT_FILE).exists():
        certs.append(embedded_certificate())
    return certs


# --- Getting a token ----------------------------------------------------------------------

# The embedded TSA's policy: an OID of the UUID arc (ITU-T X.667, no registration needed), so
# that its tokens claim no one else's policy.
EMBEDDED_POLICY_OID = "2.25.264792730986288609469471404524065167401"


def _embedded_stamper():
    from pyhanko.sign.timestamps import DummyTimeStamper

    class EmbeddedTimeStamper(DummyTimeStamper):
        def _build_tst_info(self, message_imprint, dt, req):
            info = super()._build_tst_info(message_imprint, dt, req)
            info["policy"] = tsp.ObjectIdentifier(EMBEDDED_POLICY_OID)
            return info

    return EmbeddedTimeStamper(tsa_cert=embedded_certificate(), tsa_key=_embedded_key())


def timestamper():
    """The configured service: the external one if ``HEMICYCLE_TSA_URL`` is set, else embedded."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    url = tsa_url()
    if url:
        user = _setting("HEMICYCLE_TSA_USER")
        auth = (user, _setting("HEMICYCLE_TSA_PASSWORD")) if user else None
        return HTTPTimeStamper(url, timeout=int(_setting("HEMICYCLE_TSA_TIMEOUT", "10")), auth=auth)
    return _embedded_stamper()


def _run(coroutine_function):
    """Run pyHanko's coroutine to completion, also from code that already runs an event loop
    (an async server, a browser-driving test): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine_function())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_function())).result()


def timestamp(data: bytes) -> bytes:
    """An RFC 3161 TimeStampToken (DER-encoded CMS ContentInfo) over the SHA-256 of ``data``."""
    digest = hashlib.sha256(data).digest()
    stamper = timestamper()
    try:
        token = _run(lambda: stamper.async_timestamp(digest, DIGEST))
    except Exception as exc:  # network, refusal by the service, malformed answer
        raise TimestampError(
            f"Le service d'horodatage n'a pas pu horodater le manifeste ({type(exc).__name__} : {exc})."
        ) from exc
    return token.dump()


# --- Verifying a token --------------------------------------------------------------------

@dataclass
class Verification:
    imprint_ok: bool = False  # the token covers exactly these bytes
    signature_ok: bool = False  # the TSA's signature over the token is valid
    trusted: bool = False  # the signing certificate is the embedded TSA's or the configured one
    gen_time: datetime.datetime | None = None
    tsa_name: str = ""
    serial: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.imprint_ok and self.signature_ok and not self.errors


def token_info(token_der: bytes) -> tsp.TSTInfo:
    content_info = cms.ContentInfo.load(token_der)
    signed_data = content_info["content"]
    return signed_data["encap_content_info"]["content"].parsed


def verify(token_der: bytes, data: bytes) -> Verification:
    """Does ``token_der`` timestamp exactly ``data``, signed by a (trusted) TSA?"""
    from pyhanko.sign.general import extract_certificate_info
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity

    result = Verification()
    try:
        content_info = cms.ContentInfo.load(bytes(token_der))
        signed_data = content_info["content"]
        info = signed_data["encap_content_info"]["content"].parsed
        if not isinstance(info, tsp.TSTInfo):
            raise ValueError("not a TSTInfo")
    except Exception:
        result.errors.append("Le jeton d'horodatage est illisible (ce n'est pas un jeton RFC 3161).")
        return result

    result.gen_time = info["gen_time"].native
    result.serial = info["serial_number"].native
    tsa = info["tsa"]
    if tsa.native is not None:
        result.tsa_name = tsa.chosen.human_friendly if tsa.name == "directory_name" else str(tsa.native)

    algorithm = info["message_imprint"]["hash_algorithm"]["algorithm"].native
    try:
        expected = hashlib.new(algorithm, data).digest()
    except (ValueError, TypeError):
        result.errors.append(f"Algorithme d'empreinte inconnu dans le jeton : {algorithm}.")
        return result
    result.imprint_ok = info["message_imprint"]["hashed_message"].native == expected
    if not result.imprint_ok:
        result.errors.append("L'empreinte horodatée ne correspond pas au manifeste : il a été modifié.")

    try:
        signer_info = signed_data["signer_infos"][0]
        cert_info = extract_certificate_info(signed_data)
        signer_cert = cert_info.signer_cert
        digest_algorithm = signer_info["digest_algorithm"]["algorithm"].native
        content_digest = hashlib.new(digest_algorithm, signed_data["encap_content_info"]["content"].contents).digest()
        digest_ok, signature_ok = validate_sig_integrity(signer_info, signer_cert, "tst_info", content_digest)
        result.signature_ok = digest_ok and signature_ok
    except Exception as exc:
        result.errors.append(f"La signature du jeton d'horodatage n'a pas pu être vérifiée ({type(exc).__name__}).")
        return result
    if not result.signature_ok:
        result.errors.append("La signature du jeton d'horodatage est invalide.")
        return result

    for trusted in trusted_certificates():
        if trusted.dump() == signer_cert.dump() or _issued_by(signer_cert, trusted):
            result.trusted = True
            break
    return result


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Is ``cert`` signed by ``issuer`` (a CA certificate configured for an external TSA)?"""
    if cert.issuer != issuer.subject:
        return False
    from cryptography import x509 as cx509
    from cryptography.exceptions import InvalidSignature

    try:
        cx509.load_der_x509_certificate(cert.dump()).verify_directly_issued_by(
            cx509.load_der_x509_certificate(issuer.dump()))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
