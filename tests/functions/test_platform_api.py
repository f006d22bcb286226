"""Health of every dependency, and the generated OpenAPI document and its docs page."""

from __future__ import annotations

from vigil import redis as redis_adapter
from vigil import settings as settings_mod
from vigil.api.routing import REGISTRY
from vigil.identity.models import Role


def test_health_is_ok_when_every_component_answers(client):
    result = client.get("/api/v1/health")
    assert result.status == 200
    assert result.body["status"] == "ok"
    assert set(result.body["components"]) == {"database", "redis", "aws"}


def test_health_is_503_and_names_the_component_that_is_down(client, services):
    previous = settings_mod.get_settings()
    settings_mod.configure(previous.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    redis_adapter.reset()
    try:
        result = client.get("/api/v1/health")
    finally:
        settings_mod.configure(previous)
        redis_adapter.reset()
    assert result.status == 503
    assert result.body["status"] == "degraded"
    assert result.body["components"]["redis"]["status"] == "down"
    assert result.body["components"]["database"]["status"] == "ok"


def test_openapi_lists_every_route_with_its_models_and_role(client):
    doc = client.get("/api/v1/openapi.json").body
    assert doc["openapi"].startswith("3.")
    operations = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    assert operations == {(s.path, s.method) for s in REGISTRY}
    login = doc["paths"]["/api/v1/auth/login"]["post"]
    assert login["x-min-role"] == "PUBLIC"
    body = doc["components"]["schemas"]["LoginRequest"]
    assert set(body["required"]) == {"username", "password"}
    users = doc["paths"]["/api/v1/admin/users"]["get"]
    assert users["x-min-role"] == Role.ADMIN.value and users["security"] == [{"bearer": []}]
    assert {p["name"] for p in users["parameters"]} >= {"page", "size", "q", "role"}
    assert "refreshToken" in doc["components"]["schemas"]["TokenPair"]["properties"]


def test_the_docs_page_renders_the_document(client):
    page = client.get("/api/v1/docs")
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert b"openapi.json" in page.raw


def test_unknown_api_paths_are_json_404s(client):
    result = client.get("/api/v1/nothing-here")
    assert result.status == 404 and result.body["error"]["code"] == "NOT_FOUND"
