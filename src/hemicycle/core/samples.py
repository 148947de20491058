"""How to fill URL parameters for the access-matrix test (core/tests/test_access_matrix.py),
by URL name, from a test world. Every URL with parameters must appear here."""


def url_samples(world) -> dict:
    from hemicycle.acts.samples import url_samples as acts_samples
    from hemicycle.circuits.samples import url_samples as circuits_samples
    from hemicycle.organisation.samples import url_samples as organisation_samples

    samples = {}
    samples.update(acts_samples(world))
    samples.update(circuits_samples(world))
    samples.update(organisation_samples(world))
    samples["documents:act_preview"] = samples["acts:detail"]
    return samples
