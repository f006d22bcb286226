"""Unit tests run without the network: any socket is an error."""

import pytest
from pytest_socket import disable_socket, enable_socket


@pytest.fixture(autouse=True)
def _no_sockets():
    disable_socket()
    yield
    enable_socket()
