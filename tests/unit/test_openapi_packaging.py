"""On AWS each function loads only its own app: the layer carries the whole API document and
the platform function serves it."""

from __future__ import annotations

import json

from vigil.api import openapi, routing
from vigil.ops.deploy import build_layer


def test_the_layer_carries_the_whole_api_document_and_a_lone_app_serves_it(tmp_path, monkeypatch):
    layer = build_layer(tmp_path / "layer", install_dependencies=False)
    packaged = layer / "python" / "vigil" / "api" / "openapi.json"
    doc = json.loads(packaged.read_text())
    assert {"/api/v1/auth/login", "/api/v1/charts", "/api/v1/alerts/rules", "/api/v1/incidents",
            "/api/v1/res/loaders/loaders", "/api/v1/signals/query"} <= set(doc["paths"])

    # a function with only the platform app loaded answers with the packaged document
    alone = [spec for spec in routing.REGISTRY if spec.app_name == "vigil-platform"]
    monkeypatch.setattr(openapi, "REGISTRY", alone)
    monkeypatch.setattr(openapi, "PACKAGED", packaged)
    assert openapi.document()["paths"].keys() == doc["paths"].keys()
