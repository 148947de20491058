"""Shared fixtures of TRANSMIT's tests: the prefecture simulator on a free loopback port, wired
to the settings, and signed adopted acts (legality.testing.signed_final)."""

import socket

import pytest

from hemicycle.legality.simulator import Account, Simulator, serve_in_thread

PASSWORD = "mot-de-passe-operateur"


def start_simulator(world, directory, *, step_seconds=0, classification_date=""):
    authority = world.authority
    simulator = Simulator(directory, step_seconds=step_seconds, accounts=[
        Account(login=authority.siren, password=PASSWORD, siren=authority.siren, department=authority.department_code,
                classification_date=classification_date)])
    server, url = serve_in_thread(simulator)
    return simulator, server, url


@pytest.fixture
def operator(world, settings, tmp_path):
    simulator, server, url = start_simulator(world, tmp_path / "prefecture")
    settings.HEMICYCLE_ACTES_OPERATOR_URL = url
    settings.HEMICYCLE_ACTES_OPERATOR_LOGIN = ""
    settings.HEMICYCLE_ACTES_OPERATOR_PASSWORD = PASSWORD
    settings.HEMICYCLE_ACTES_OPERATOR_TIMEOUT = 10
    simulator.url = url
    yield simulator
    server.shutdown()
    server.server_close()
    simulator.store.close()


@pytest.fixture
def signed_acts(world):
    from hemicycle.documents.testing import build_decided_sitting
    from hemicycle.legality.testing import signed_final

    decided = build_decided_sitting(world)
    for act in decided.adopted:
        signed_final(world, act)
    return decided.adopted


def closed_port_url() -> str:
    """A loopback URL nobody listens on (connection refused)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"
