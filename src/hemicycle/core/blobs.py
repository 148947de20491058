"""Content-addressed file storage: a file is stored once, under its SHA-256.

Uses Django's default storage (a local folder in embedded mode, S3-compatible object storage
in production through django-storages). Reads re-check the digest.
"""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


class BlobIntegrityError(Exception):
    pass


def blob_path(sha256: str) -> str:
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def put(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    path = blob_path(digest)
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(data))
    return digest


def get(sha256: str) -> bytes:
    with default_storage.open(blob_path(sha256), "rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BlobIntegrityError(f"Le fichier {sha256} a été altéré sur le stockage.")
    return data


def exists(sha256: str) -> bool:
    return default_storage.exists(blob_path(sha256))
