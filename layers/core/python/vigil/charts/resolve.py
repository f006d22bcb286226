"""Extension and template resolution.

Rules (what wins):
1. A chart's stored definition is merged onto its parent's *resolved, unsubstituted*
   definition: objects merge key by key, recursively; lists and scalars in the child replace
   the parent's. `parameters` merge by name (the child's entry wins).
2. Placeholders `${name}` in any string are substituted last, with values taken from, in order:
   the caller's values (dashboard variables, query `var-*` parameters), then the parameter
   defaults of the resolved chart.
3. A parameter still without a value is an error naming the field that uses it. An `extends`
   chain that returns to a chart already in it is a cycle and is rejected.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from vigil import errors
from vigil.api.errors import validation_details
from vigil.charts.models import ChartDefinition, ResolvedChart

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
MAX_DEPTH = 10

Loader = Callable[[str], dict[str, Any] | None]  # chart id → stored definition (camelCase JSON)


def merge(parent: Any, child: Any) -> Any:
    if isinstance(parent, dict) and isinstance(child, dict):
        out = dict(parent)
        for key, value in child.items():
            if key == "parameters" and isinstance(value, list) and isinstance(parent.get(key), list):
                by_name = {p.get("name"): p for p in parent[key]}
                by_name.update({p.get("name"): p for p in value})
                out[key] = list(by_name.values())
            else:
                out[key] = merge(parent.get(key), value)
        return out
    return copy.deepcopy(child)


def _drop_unset(definition: dict[str, Any]) -> dict[str, Any]:
    """Keys the child leaves at None (or empty lists of parameters/tags) do not override."""
    return {k: v for k, v in definition.items() if v is not None and not (k in ("parameters", "tags") and v == [])}


def merged_definition(chart_id: str, load: Loader) -> dict[str, Any]:
    """The chart's definition with its whole `extends` chain merged in (placeholders kept)."""
    chain: list[str] = []
    current: str | None = chart_id
    definitions: list[dict[str, Any]] = []
    while current is not None:
        if current in chain:
            raise errors.ValidationFailed(
                "extends forms a cycle", details=[{"field": "body.extends",
                                                   "message": " → ".join([*chain, current])}])
        if len(chain) >= MAX_DEPTH:
            raise errors.ValidationFailed(f"extends chain deeper than {MAX_DEPTH}")
        stored = load(current)
        if stored is None:
            raise errors.ValidationFailed(
                f"chart {current} does not exist",
                details=[{"field": "body.extends" if chain else "chartId", "message": "no such chart"}])
        chain.append(current)
        definitions.append(stored)
        current = stored.get("extends")
    result: dict[str, Any] = {}
    for stored in reversed(definitions):
        result = merge(result, _drop_unset(stored))
    result.pop("extends", None)
    result["isTemplate"] = definitions[0].get("isTemplate", False)
    return result


def placeholders(value: Any, path: str = "") -> list[tuple[str, str]]:
    """(field path, parameter name) for every placeholder inside `value`."""
    found: list[tuple[str, str]] = []
    if isinstance(value, str):
        found += [(path, m) for m in PLACEHOLDER.findall(value)]
    elif isinstance(value, dict):
        for k, v in value.items():
            found += placeholders(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += placeholders(v, f"{path}[{i}]")
    return found


def substitute(value: Any, values: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole and whole.group(1) in values:
            return values[whole.group(1)]
        return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), value)
    if isinstance(value, dict):
        return {k: substitute(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, values) for v in value]
    return value


def parameter_values(definition: dict[str, Any], given: Mapping[str, str] | None) -> dict[str, str]:
    values = {p["name"]: p["default"] for p in definition.get("parameters", []) if p.get("default") is not None}
    values.update({k: v for k, v in (given or {}).items() if v is not None})
    return values


def resolve(chart_id: str, load: Loader, given: Mapping[str, str] | None = None) -> ResolvedChart:
    merged = merged_definition(chart_id, load)
    values = parameter_values(merged, given)
    body = {k: v for k, v in merged.items() if k != "parameters"}
    unresolved = [(path, name) for path, name in placeholders(body) if name not in values]
    if unresolved:
        raise errors.ValidationFailed(
            "template parameter(s) without a value: " + ", ".join(sorted({n for _, n in unresolved})),
            details=[{"field": path, "message": f"${{{name}}} has no value"} for path, name in unresolved],
        )
    try:
        return ResolvedChart.model_validate({**substitute(body, values), "parameters": merged.get("parameters", [])})
    except ValidationError as exc:
        raise errors.ValidationFailed("the resolved chart definition is incomplete",
                                      details=validation_details(exc)) from exc


def check_stored(definition: ChartDefinition) -> None:
    """Rules a definition must meet on save, before its parent is known."""
    if definition.extends is None:
        missing = [f for f in ("chart_type", "data_source", "visualization") if getattr(definition, f) is None]
        if missing:
            raise errors.ValidationFailed(
                "a chart that does not extend another needs chartType, dataSource and visualization",
                details=[{"field": f"body.{ChartDefinition.model_fields[f].alias}", "message": "required"}
                         for f in missing])
