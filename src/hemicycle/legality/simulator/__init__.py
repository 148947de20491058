"""The prefecture simulator shipped with Hémicycle: S²LOW's HTTP API on loopback, answering like
the ministry (see server.py). Run it with ``hemicycle prefecture_simulator --port 8010``."""

from .server import Account, Simulator, make_server, serve_in_thread

__all__ = ["Account", "Simulator", "make_server", "serve_in_thread"]
