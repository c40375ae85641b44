import socket

import pytest

from tests.conftest import NetworkAccessBlocked, _network_violations


def test_non_loopback_connection_is_blocked():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkAccessBlocked):
            sock.connect(("192.0.2.1", 80))
    finally:
        sock.close()
        _network_violations.clear()


def test_dns_lookup_of_remote_host_is_blocked():
    with pytest.raises(NetworkAccessBlocked):
        socket.getaddrinfo("example.org", 443)
    _network_violations.clear()


def test_loopback_connection_is_allowed():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        client.connect(server.getsockname())
    finally:
        client.close()
        server.close()
