"""One API Gateway definition for every app: Chalice's own swagger generator per app, merged.

Each app keeps its own Lambda handler; API Gateway sends each path and method to the app that
declares it, so one origin serves the whole API as in the local runtime.
"""

from __future__ import annotations

from typing import Any

from chalice.deploy.swagger import CFNSwaggerGenerator

from vigil.local.apps import LoadedApp


class _AppSwagger(CFNSwaggerGenerator):
    """Chalice's CloudFormation swagger, pointed at one app's handler by logical id."""

    def __init__(self, handler_logical_id: str) -> None:
        super().__init__()
        self.handler_logical_id = handler_logical_id

    def _uri(self, lambda_arn: Any = None) -> Any:
        return {
            "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31"
            f"/functions/${{{self.handler_logical_id}.Arn}}/invocations"
        }


def merged_swagger(apps: list[tuple[LoadedApp, str]], title: str) -> dict[str, Any]:
    """Swagger 2.0 for all `(app, handler logical id)` pairs; a path+method declared twice fails."""
    merged: dict[str, Any] = {
        "swagger": "2.0",
        "info": {"version": "1.0", "title": title},
        "schemes": ["https"],
        "paths": {},
        "definitions": {"Empty": {"type": "object", "title": "Empty Schema"}},
        "x-amazon-apigateway-binary-media-types": [],
    }
    owner: dict[tuple[str, str], str] = {}
    binary: list[str] = merged["x-amazon-apigateway-binary-media-types"]
    for loaded, logical_id in apps:
        doc = _AppSwagger(logical_id).generate_swagger(loaded.app)
        for media in doc.get("x-amazon-apigateway-binary-media-types", []):
            if media not in binary:
                binary.append(media)
        for path, methods in doc["paths"].items():
            target = merged["paths"].setdefault(path, {})
            for method, spec in methods.items():
                key = (path, method)
                if key in owner:
                    # Every app answers CORS preflights the same way; the first one wins.
                    if method == "options":
                        continue
                    raise ValueError(
                        f"{method.upper()} {path} is declared by both {owner[key]} and {loaded.service}"
                    )
                owner[key] = loaded.service
                target[method] = spec
    return merged
