"""What the worker processes signing a batch of final documents run (``signing.sign_finals`` on
many documents, the parapheur's "Signer la sélection"). The pool is the one rendering final
documents (``final._render_pool``: spawned processes with Django set up by
``final_workers.init``, kept between tasks).

Workers never touch the database (under tests it is not even visible to them): the main
process checks rights and states, makes sure the signer's PKCS#12 exists (keys.py) and sends
each job the PDF bytes, the PKCS#12 file's path and password, the signer's name and capacity,
the zone and the data folder (embedded CA and TSA). The worker loads the key once per process
(cached like keys.signer_kit) and returns the signed bytes; the main process records them."""

import threading
from pathlib import Path

_kits: dict[tuple, object] = {}
_lock = threading.Lock()


def _kit(job: dict):
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from hemicycle.documents import keys

    cache_key = (job["data_dir"], job["p12_path"], job["name"], job["capacity"])
    kit = _kits.get(cache_key)
    if kit is not None:
        return kit
    key, cert, extra = pkcs12.load_key_and_certificates(Path(job["p12_path"]).read_bytes(), job["password"])
    certificate = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    chain = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in extra]
    key_info = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    signer = keys._cached_key_signer_class()(
        signing_cert=certificate, signing_key=key_info, cert_registry=SimpleCertificateStore.from_certs(chain),
        private_key=key)
    kit = keys.SignerKit(signer=signer, certificate=certificate, chain=chain, name=job["name"],
                         capacity=job["capacity"], backend=keys.EMBEDDED)
    with _lock:
        return _kits.setdefault(cache_key, kit)


def sign(job: dict) -> dict:
    """Sign ``job["pdf"]``; returns the signed bytes, the signing time and the certificate."""
    from django.conf import settings

    from hemicycle.documents import signing

    if str(settings.DATA_DIR) != job["data_dir"]:  # the main process's data (tests change it)
        settings.DATA_DIR = Path(job["data_dir"])
    for name, value in job.get("settings", {}).items():
        if str(getattr(settings, name, "") or "") != value:
            setattr(settings, name, value)
    signed = signing.sign_with_kit(job["pdf"], _kit(job), field_name=job["field_name"], page=job["page"],
                                   box=tuple(job["box"]), reason=job["reason"])
    return {"pdf": signed.pdf, "signed_at": signed.signed_at, "timestamped": signed.timestamped,
            "signer_name": signed.kit.name, "subject": signed.kit.subject,
            "certificate_sha256": signed.kit.certificate_sha256}
