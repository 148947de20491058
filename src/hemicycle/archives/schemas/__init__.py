"""SEDA 2.3 schemas (copied from the official distribution; validation needs no network)."""
