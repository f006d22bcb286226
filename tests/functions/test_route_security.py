"""Every HTTP route of every app declares a minimum role, and the gateway enforces it:
anonymous → 401, one role too low → 403. A route added without a role fails this suite."""

from __future__ import annotations

import re

import pytest

from vigil.api.routing import REGISTRY
from vigil.identity.models import Public, Role

BELOW = {Role.OPERATOR: Role.VIEWER, Role.ADMIN: Role.OPERATOR}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path)


def test_every_chalice_route_is_declared_with_a_role(gateway):
    declared = {(s.path, s.method) for s in REGISTRY}
    undeclared = [
        (path, method)
        for loaded in gateway.apps
        for path, methods in loaded.app.routes.items()
        for method in methods
        if method != "OPTIONS" and (path, method) not in declared
    ]
    assert undeclared == [], f"routes registered without Api(...).route and a role: {undeclared}"
    assert len(declared) >= 13


def _protected():
    return [s for s in REGISTRY if not isinstance(s.role, Public)]


def test_anonymous_calls_to_protected_routes_get_401(gateway, client):
    failures = []
    for spec in _protected():
        result = client.request(spec.method, _concrete(spec.path), json_body={} if spec.body else None)
        if result.status != 401 or result.body["error"]["code"] != "UNAUTHENTICATED":
            failures.append((spec.method, spec.path, result.status))
    assert failures == []


def test_a_role_below_the_minimum_gets_403(gateway, client, users):
    checked = 0
    failures = []
    for spec in _protected():
        if spec.role not in BELOW:
            continue
        caller = client.as_user(users[BELOW[spec.role].value].token)
        result = caller.request(spec.method, _concrete(spec.path), json_body={} if spec.body else None)
        checked += 1
        if result.status != 403:
            failures.append((spec.method, spec.path, result.status))
    assert failures == []
    assert checked > 0


@pytest.mark.parametrize("header", ["Bearer not-a-jwt", "Basic YWRtaW46YWRtaW4xMjM=", "Bearer "])
def test_malformed_credentials_are_401(client, header):
    result = client.get("/api/v1/auth/me", headers={"Authorization": header})
    assert result.status == 401
