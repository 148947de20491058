"""Signing keys of the signatories (issue 4, "Electronic signature").

Two back-ends, chosen by the ``HEMICYCLE_SIGNING_BACKEND`` setting (or environment variable):

- ``"embedded"`` (default, ``make demo``): Hémicycle runs its own certification authority, in
  the style of the embedded timestamping authority (sittings/timestamping.py). On first use it
  creates an RSA-3072 key and a self-signed CA certificate under ``DATA_DIR/signing/ca/``
  (folder 0700, key 0600). Each signatory gets, on their first signature, an RSA-2048 key and a
  certificate issued by that CA naming them (first name, name, capacity, authority), stored as
  a PKCS#12 file ``DATA_DIR/signing/users/<user id>-<fingerprint>.p12`` (0600) protected by a
  password derived from ``HEMICYCLE_SIGNING_PASSWORD`` (or, failing that, the Django secret
  key). A new certificate is issued when the name or the capacity changes (the fingerprint
  names the file) or when the certificate is near its end. The CA also publishes a
  certificate revocation list (``ca.crl``, renewed before it expires) that signatures embed
  as long-term validation data.
- ``"pkcs11"`` (production with tokens or an HSM): keys never leave the token; pyHanko's
  ``pyhanko.sign.pkcs11`` drives it (needs ``pip install 'pyhanko[pkcs11]'``, i.e.
  python-pkcs11). Settings: ``HEMICYCLE_PKCS11_MODULE`` (path of the PKCS#11 library),
  ``HEMICYCLE_PKCS11_TOKEN`` (token label), ``HEMICYCLE_PKCS11_PIN`` and
  ``HEMICYCLE_PKCS11_KEY_LABEL`` (label of each user's key and certificate on the token; a
  template with ``{username}`` and ``{user_id}``, default ``"{username}"``). See
  docs/production.md.

Engineering (bench B3): what costs time is loading keys (RSA private-key loading checks the
key: ~65 ms for RSA-2048) and parsing certificates. A :class:`SignerKit` is built once per
user, capacity and process and cached; its signer keeps the private key object loaded, so a
signature costs one raw RSA operation.
"""

import datetime
import hashlib
import hmac
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from hemicycle.core.keyfolders import ensure_key_folder

CA_KEY_FILE = "ca-key.pem"
CA_CERT_FILE = "ca-cert.pem"
CRL_FILE = "ca.crl"
USER_KEY_BITS = 2048
CERT_DAYS = 3 * 365
RENEW_BEFORE = datetime.timedelta(days=30)
CRL_DAYS = 30
CRL_RENEW_BEFORE = datetime.timedelta(days=7)

EMBEDDED = "embedded"
PKCS11 = "pkcs11"


def _setting(name: str, default: str = "") -> str:
    return str(getattr(settings, name, "") or os.environ.get(name, default) or "")


def backend() -> str:
    value = (_setting("HEMICYCLE_SIGNING_BACKEND", EMBEDDED) or EMBEDDED).strip().lower()
    if value not in (EMBEDDED, PKCS11):
        raise ImproperlyConfigured(
            f"HEMICYCLE_SIGNING_BACKEND vaut « {value} » : les valeurs possibles sont « embedded » et « pkcs11 ».")
    return value


def signing_dir() -> Path:
    return Path(settings.DATA_DIR) / "signing"


def ca_dir() -> Path:
    return signing_dir() / "ca"


def users_dir() -> Path:
    return signing_dir() / "users"


# --- Names ------------------------------------------------------------------------------

def signer_name(user) -> str:
    """"Anne Lefèvre": first name and name as signatures print them."""
    full = f"{user.first_name} {user.last_name}".strip()
    return " ".join(full.split()) or user.username


def member_capacity(user, day: datetime.date | None = None) -> str:
    """"Maire de Belval-sur-Loire" when ``user`` is an elected member (organisation
    ``Member.user``) with a mandate running on ``day`` (today by default): the presiding one
    first, else the latest; worded as the final documents print it (documents/final.py
    ``capacity_for``). "" otherwise."""
    from django.core.exceptions import ObjectDoesNotExist
    from django.db.models import Q

    if user is None or getattr(user, "pk", None) is None or user._state.adding:
        return ""
    try:
        member = user.member
    except ObjectDoesNotExist:
        return ""
    if member is None:
        return ""
    from django.utils import timezone

    from .final import capacity_for

    day = day or timezone.localdate()
    mandate = (member.mandates.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
               .order_by("-is_president", "-start_date", "-pk").first())
    if mandate is None or not (mandate.function or "").strip():
        return ""
    return " ".join(capacity_for(member.authority, mandate).split())


def default_capacity(user) -> str:
    """The capacity a user signs in: their current mandate's when they are an elected member
    (``member_capacity``), else their title ("Maire de Belval-sur-Loire")."""
    return member_capacity(user) or " ".join((user.title or "").split())


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


# --- Embedded certification authority ----------------------------------------------------

def _create_ca_files(target: Path) -> None:
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = cx509.Name([
        cx509.NameAttribute(NameOID.COMMON_NAME, "Hémicycle — autorité de certification intégrée"),
        cx509.NameAttribute(NameOID.ORGANIZATION_NAME, "Hémicycle"),
        cx509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
    ])
    now = _now()
    cert = (
        cx509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(cx509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * 30))
        .add_extension(cx509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(cx509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                      data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                      crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(cx509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(target / CA_KEY_FILE, key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    (target / CA_CERT_FILE).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    os.chmod(target / CA_CERT_FILE, 0o644)


def ensure_embedded_ca() -> Path:
    """The folder of the embedded CA, created once (atomically: concurrent workers agree)."""
    return ensure_key_folder(ca_dir(), _create_ca_files, (CA_CERT_FILE, CA_KEY_FILE), private_parent=True)


@dataclass
class _Authority:
    """The embedded CA, loaded once per process (its key only to issue certificates and CRLs)."""

    folder: Path
    key: object  # cryptography private key
    certificate: object  # cryptography certificate
    asn1: asn1_x509.Certificate
    lock: threading.Lock = field(default_factory=threading.Lock)


_ca_cache: dict[str, _Authority] = {}
_ca_lock = threading.Lock()


def _authority() -> _Authority:
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import serialization

    folder = ensure_embedded_ca()
    key = str(folder)
    with _ca_lock:
        loaded = _ca_cache.get(key)
        if loaded is None:
            cert_pem = (folder / CA_CERT_FILE).read_bytes()
            certificate = cx509.load_pem_x509_certificate(cert_pem)
            private = serialization.load_pem_private_key((folder / CA_KEY_FILE).read_bytes(), password=None)
            loaded = _Authority(folder, private, certificate,
                                asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)))
            _ca_cache.clear()  # another DATA_DIR (tests): forget the previous one
            _ca_cache[key] = loaded
        return loaded


def ca_certificate() -> asn1_x509.Certificate:
    """The embedded CA's certificate (created on first use)."""
    return _authority().asn1


def ca_certificate_if_exists() -> asn1_x509.Certificate | None:
    """The embedded CA's certificate when this installation has one (verification must not
    create a CA as a side effect)."""
    if not (ca_dir() / CA_CERT_FILE).exists():
        return None
    return ca_certificate()


def current_crl() -> asn1_crl.CertificateList:
    """The CA's revocation list (no certificate revoked so far), renewed a week before its
    ``nextUpdate``. Embedded in signatures as long-term validation data (PAdES B-LT)."""
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization

    ca = _authority()
    path = ca.folder / CRL_FILE
    with ca.lock:
        if path.exists():
            data = path.read_bytes()
            loaded = cx509.load_der_x509_crl(data)
            if loaded.next_update_utc and loaded.next_update_utc - _now() > CRL_RENEW_BEFORE:
                return asn1_crl.CertificateList.load(data)
        now = _now()
        number = int(now.timestamp())
        crl = (
            cx509.CertificateRevocationListBuilder()
            .issuer_name(ca.certificate.subject)
            .last_update(now - datetime.timedelta(minutes=5))
            .next_update(now + datetime.timedelta(days=CRL_DAYS))
            .add_extension(cx509.CRLNumber(number), critical=False)
            .add_extension(cx509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
            .sign(ca.key, hashes.SHA256())
        )
        data = crl.public_bytes(serialization.Encoding.DER)
        staging = path.with_suffix(f".{os.getpid()}.tmp")
        staging.write_bytes(data)
        os.replace(staging, path)
        return asn1_crl.CertificateList.load(data)


# --- Per-user PKCS#12 ------------------------------------------------------------------------

def _p12_password(user) -> bytes:
    secret = _setting("HEMICYCLE_SIGNING_PASSWORD") or settings.SECRET_KEY
    return hmac.new(secret.encode("utf-8"), f"hemicycle.signing.p12:{user.pk}".encode(),
                    hashlib.sha256).hexdigest().encode("ascii")


def _identity_fingerprint(user, name: str, capacity: str) -> str:
    authority = getattr(user, "authority", None)
    text = "\n".join([name, capacity, authority.name if authority else "", user.email or ""])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def p12_path(user, capacity: str) -> Path:
    return users_dir() / f"{user.pk}-{_identity_fingerprint(user, signer_name(user), capacity)}.p12"


def _issue_p12(user, name: str, capacity: str, password: bytes) -> bytes:
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    ca = _authority()
    key = rsa.generate_private_key(public_exponent=65537, key_size=USER_KEY_BITS)
    attributes = [cx509.NameAttribute(NameOID.COMMON_NAME, name[:64])]
    if user.first_name.strip():
        attributes.append(cx509.NameAttribute(NameOID.GIVEN_NAME, user.first_name.strip()[:64]))
    if user.last_name.strip():
        attributes.append(cx509.NameAttribute(NameOID.SURNAME, user.last_name.strip()[:64]))
    if capacity:
        attributes.append(cx509.NameAttribute(NameOID.TITLE, capacity[:64]))
    authority = getattr(user, "authority", None)
    if authority is not None:
        attributes.append(cx509.NameAttribute(NameOID.ORGANIZATION_NAME, authority.name[:64]))
    attributes.append(cx509.NameAttribute(NameOID.COUNTRY_NAME, "FR"))
    now = _now()
    builder = (
        cx509.CertificateBuilder()
        .subject_name(cx509.Name(attributes)).issuer_name(ca.certificate.subject).public_key(key.public_key())
        .serial_number(cx509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=CERT_DAYS))
        .add_extension(cx509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(cx509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                      data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                      crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(cx509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(cx509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
    )
    if user.email:
        builder = builder.add_extension(cx509.SubjectAlternativeName([cx509.RFC822Name(user.email)]), critical=False)
    with ca.lock:
        cert = builder.sign(ca.key, hashes.SHA256())
    return pkcs12.serialize_key_and_certificates(
        name=name.encode("utf-8")[:64], key=key, cert=cert, cas=[ca.certificate],
        encryption_algorithm=serialization.BestAvailableEncryption(password))


def ensure_user_p12(user, capacity: str) -> Path:
    """The user's PKCS#12 for this capacity, issued on first use (or when near its end)."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    path = p12_path(user, capacity)
    password = _p12_password(user)
    if path.exists():
        try:
            _, cert, _ = pkcs12.load_key_and_certificates(path.read_bytes(), password)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"Le fichier de clé de signature {path.name} ne s'ouvre plus : le mot de passe "
                "(HEMICYCLE_SIGNING_PASSWORD ou la clé secrète) a changé depuis sa création.") from exc
        if cert is not None and cert.not_valid_after_utc - _now() > RENEW_BEFORE:
            return path
        path.rename(path.with_suffix(f".expired-{int(_now().timestamp())}"))
    folder = users_dir()
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    data = _issue_p12(user, signer_name(user), capacity, password)
    staging = folder / f".{path.name}.{os.getpid()}.{threading.get_ident()}"
    _write_private(staging, data)
    try:
        os.link(staging, path)  # never replaces a file another worker wrote meanwhile
    except FileExistsError:
        pass
    finally:
        staging.unlink(missing_ok=True)
    return path


# --- Signers ----------------------------------------------------------------------------

def _cached_key_signer_class():
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class CachedKeySigner(SimpleSigner):
        """A SimpleSigner whose private key is parsed once: pyHanko's SimpleSigner re-loads
        (and re-checks) it from DER on every signature, which costs ~65 ms for RSA-2048."""

        def __init__(self, *args, private_key=None, **kwargs):
            super().__init__(*args, **kwargs)
            self._private_key = private_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            if isinstance(self._private_key, RSAPrivateKey) and mechanism.signature_algo == "rsassa_pkcs1v15":
                return self._private_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            return super().sign_raw(data, digest_algorithm)

    return CachedKeySigner


@dataclass
class SignerKit:
    """Everything a signature needs about its signer, built once per process."""

    signer: object  # pyhanko Signer
    certificate: asn1_x509.Certificate
    chain: list  # issuer certificates (asn1crypto), signer's excluded
    name: str
    capacity: str
    backend: str

    @property
    def subject(self) -> str:
        return self.certificate.subject.human_friendly

    @property
    def certificate_sha256(self) -> str:
        return self.certificate.sha256.hex()


_kits: dict[tuple, SignerKit] = {}
_kits_lock = threading.Lock()


def _embedded_kit(user, capacity: str) -> SignerKit:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    path = ensure_user_p12(user, capacity)
    key, cert, extra = pkcs12.load_key_and_certificates(path.read_bytes(), _p12_password(user))
    certificate = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    chain = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in extra]
    key_info_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
    from asn1crypto import keys as asn1_keys

    signer = _cached_key_signer_class()(
        signing_cert=certificate, signing_key=asn1_keys.PrivateKeyInfo.load(key_info_der),
        cert_registry=SimpleCertificateStore.from_certs(chain), private_key=key)
    return SignerKit(signer=signer, certificate=certificate, chain=chain, name=signer_name(user),
                     capacity=capacity, backend=EMBEDDED)


def _pkcs11_session():
    try:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11
    except ImportError as exc:
        raise ImproperlyConfigured(
            "HEMICYCLE_SIGNING_BACKEND vaut « pkcs11 » mais la prise en charge PKCS#11 de pyHanko n'est pas "
            "installée : installez python-pkcs11 (pip install 'pyhanko[pkcs11]').") from exc
    module = _setting("HEMICYCLE_PKCS11_MODULE")
    if not module:
        raise ImproperlyConfigured(
            "HEMICYCLE_PKCS11_MODULE doit indiquer le chemin de la bibliothèque PKCS#11 du jeton ou du HSM "
            "(par exemple /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so).")
    if not Path(module).exists():
        raise ImproperlyConfigured(f"La bibliothèque PKCS#11 {module} (HEMICYCLE_PKCS11_MODULE) est introuvable.")
    token = _setting("HEMICYCLE_PKCS11_TOKEN")
    pin = _setting("HEMICYCLE_PKCS11_PIN") or None
    try:
        return pkcs11, pkcs11.open_pkcs11_session(
            module, token_criteria=TokenCriteria(label=token) if token else None, user_pin=pin)
    except Exception as exc:  # wrong PIN, no token in the reader, module that does not load
        raise ImproperlyConfigured(
            f"Impossible d'ouvrir une session sur le jeton PKCS#11 ({type(exc).__name__} : {exc}).") from exc


_p11 = {}


def _pkcs11_kit(user, capacity: str) -> SignerKit:
    with _kits_lock:
        if "session" not in _p11:
            _p11["module"], _p11["session"] = _pkcs11_session()
    template = _setting("HEMICYCLE_PKCS11_KEY_LABEL", "{username}") or "{username}"
    label = template.format(username=user.username, user_id=user.pk)
    try:
        signer = _p11["module"].PKCS11Signer(_p11["session"], cert_label=label, key_label=label)
        certificate = signer.signing_cert  # pulled from the token now: fail early, in French
    except Exception as exc:
        raise ImproperlyConfigured(
            f"Le jeton PKCS#11 ne contient pas de clé et de certificat « {label} » pour {signer_name(user)} "
            f"({type(exc).__name__} : {exc}).") from exc
    chain = [c for c in signer.cert_registry if c.sha256 != certificate.sha256]
    return SignerKit(signer=signer, certificate=certificate, chain=chain, name=signer_name(user),
                     capacity=capacity, backend=PKCS11)


def signer_kit(user, capacity: str | None = None) -> SignerKit:
    """The cached signing material of ``user`` signing as ``capacity`` (default: their title)."""
    capacity = " ".join((capacity if capacity is not None else default_capacity(user)).split())
    chosen = backend()
    cache_key = (chosen, str(Path(settings.DATA_DIR)), user.pk, signer_name(user), capacity)
    kit = _kits.get(cache_key)
    if kit is not None:
        return kit
    kit = _pkcs11_kit(user, capacity) if chosen == PKCS11 else _embedded_kit(user, capacity)
    with _kits_lock:
        return _kits.setdefault(cache_key, kit)


def forget_cached_keys() -> None:
    """Drop every cached key (tests; a worker after a key rotation)."""
    with _kits_lock:
        _kits.clear()
        _p11.clear()
    with _ca_lock:
        _ca_cache.clear()
