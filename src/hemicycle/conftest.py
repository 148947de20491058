"""Shared fixtures: a small authority with one user per role, and a second authority to prove
isolation. Built by ``hemicycle.core.testing.build_world``."""

import pytest


@pytest.fixture
def world(db):
    from hemicycle.core.testing import build_world

    return build_world()


@pytest.fixture
def other_world(db):
    from hemicycle.core.testing import build_world

    return build_world(slug="autreville", name="Commune d'Autreville", siren="213000019")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Background tasks run in-process in tests (the worker is tested on its own)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests hash many passwords (production keeps Argon2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
