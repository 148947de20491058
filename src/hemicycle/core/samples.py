"""How to fill URL parameters for the access-matrix test (core/tests/test_access_matrix.py),
by URL name, from a test world. Every URL with parameters must appear here: each feature keeps
its own ``url_samples(world)`` (and ``OBJECT_LEVEL_DENIED`` when object-level rules refuse a
role that the view's rule admits), listed in SAMPLE_MODULES."""

from importlib import import_module

SAMPLE_MODULES = [
    "hemicycle.acts.samples",
    "hemicycle.archives.samples",
    "hemicycle.circuits.samples",
    "hemicycle.documents.samples_final",
    "hemicycle.documents.samples_minutes_signing",
    "hemicycle.documents.samples_signing",
    "hemicycle.legality.samples",
    "hemicycle.opendata.samples",
    "hemicycle.organisation.samples",
    "hemicycle.portal.samples",
    "hemicycle.publication.samples",
    "hemicycle.sittings.samples_agenda",
    "hemicycle.sittings.samples_convocation",
    "hemicycle.sittings.samples_live",
    "hemicycle.sittings.samples_minutes",
]


def url_samples(world) -> dict:
    samples = {}
    for name in SAMPLE_MODULES:
        samples.update(import_module(name).url_samples(world))
    samples["documents:act_preview"] = samples["acts:detail"]
    return samples


def object_level_denied() -> dict:
    denied = {}
    for name in SAMPLE_MODULES:
        denied.update(getattr(import_module(name), "OBJECT_LEVEL_DENIED", {}))
    return denied
