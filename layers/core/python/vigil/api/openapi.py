"""OpenAPI 3.1 document built from the route registry and its pydantic models, so it cannot
drift from the code: a route exists in the document exactly when it exists in an app."""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from vigil.api.models import ErrorResponse
from vigil.api.routing import REGISTRY, RouteSpec
from vigil.identity.models import Role

_PARAM = re.compile(r"\{(\w+)\}")
REF = "#/components/schemas/{model}"


# Written into the Lambda layer at deploy time: on AWS each function loads only its own app, so
# the live registry there knows just the platform routes.
PACKAGED = Path(__file__).with_name("openapi.json")


def document() -> dict[str, Any]:
    """The whole API: built live when every app is loaded here (local runtime, tests), else the
    document packaged with the layer."""
    if len({spec.app_name for spec in REGISTRY}) <= 1 and PACKAGED.exists():
        return dict(json.loads(PACKAGED.read_text()))
    return build()


def write_packaged(target: Path = PACKAGED) -> Path:
    target.write_text(json.dumps(build(), indent=1))
    return target


def build(title: str = "Vigil API", version: str = "1") -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    paths: dict[str, dict[str, Any]] = {}
    for spec in sorted(REGISTRY, key=lambda s: (s.path, s.method)):
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, schemas)
    schemas["ErrorResponse"] = _schema(ErrorResponse, schemas)
    _check_unique_names()
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation names, nested ones included."""
    found: list[type[BaseModel]] = []
    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            if item in found:
                continue
            found.append(item)
            stack += [f.annotation for f in item.model_fields.values()]
        else:
            stack += list(typing.get_args(item))
    return found


def _check_unique_names() -> None:
    """Schemas are named by class: two different models with one name would silently share a
    schema in the document, so that is an error."""
    seen: dict[str, type[BaseModel]] = {}
    for spec in REGISTRY:
        for annotation in (spec.body, spec.query, spec.response):
            for model in _models(annotation):
                other = seen.setdefault(model.__name__, model)
                if other is not model:
                    raise ValueError(f"two API models are named {model.__name__}: "
                                     f"{other.__module__} and {model.__module__}")


def _schema(model: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        schema = model.model_json_schema(by_alias=True, ref_template=REF, mode="serialization")
    else:
        schema = TypeAdapter(model).json_schema(by_alias=True, ref_template=REF)
    for name, sub in schema.pop("$defs", {}).items():
        schemas[name] = sub
    if isinstance(model, type) and issubclass(model, BaseModel):
        schemas[model.__name__] = schema
        return {"$ref": REF.format(model=model.__name__)}
    return schema


def _operation(spec: RouteSpec, schemas: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": f"{spec.method.lower()}_{spec.path.strip('/').replace('/', '_')}"
        .replace("{", "").replace("}", ""),
        "tags": [spec.app_name.removeprefix("vigil-")],
        "summary": spec.summary,
        "x-min-role": spec.role.value if isinstance(spec.role, Role) else "PUBLIC",
        "parameters": [
            {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
            for p in _PARAM.findall(spec.path)
        ],
        "responses": {
            "4XX": {
                "description": "error",
                "content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorResponse")}}},
            }
        },
    }
    if isinstance(spec.role, Role):
        op["security"] = [{"bearer": []}]
    if spec.query is not None:
        qs = spec.query.model_json_schema(by_alias=True, ref_template=REF)
        required = set(qs.get("required", []))
        for name, prop in qs.get("properties", {}).items():
            op["parameters"].append(
                {"name": name, "in": "query", "required": name in required, "schema": prop}
            )
    if spec.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema(spec.body, schemas)}},
        }
    ok: dict[str, Any] = {"description": "success"}
    if spec.response is not None:
        ok["content"] = {"application/json": {"schema": _schema(spec.response, schemas)}}
    op["responses"][str(spec.status)] = ok
    return op
