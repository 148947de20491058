"""Folders of embedded key material (the timestamping authority, the signing CA), created once
and atomically: the files are written in a private staging folder renamed into place, so
concurrent workers agree on one key."""

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def ensure_key_folder(folder: Path, create: Callable[[Path], None], files: tuple[str, ...], *,
                      private_parent: bool = False) -> Path:
    """``folder`` holding ``files``, made by ``create(staging)`` when one is missing."""
    if all((folder / name).exists() for name in files):
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    if private_parent:
        os.chmod(folder.parent, 0o700)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))  # mode 0700
    try:
        create(staging)
        try:
            os.rename(staging, folder)  # atomic; fails if another process got there first
        except OSError:
            if not (folder / files[0]).exists():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    os.chmod(folder, 0o700)
    return folder
