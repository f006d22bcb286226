"""Which resources each app's code touches, for least-privilege IAM.

A function may use a bucket, queue or state machine only if its code names it: the app's
`app.py` and every `vigil` module it reaches through imports are parsed (never executed) and
their string literals matched against the logical names in the resource definition. Names
built at run time are invisible to this scan; `infra/access.yaml` adds such grants by hand.
Reaching `vigil.events.publisher` grants `events:PutEvents` on the bus.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from vigil.platform.resources import REPO_ROOT, ResourceDefinition

LAYER_ROOT = REPO_ROOT / "layers" / "core" / "python"
ACCESS_OVERRIDES = REPO_ROOT / "infra" / "access.yaml"
PUBLISHER_MODULE = "vigil.events.publisher"


@dataclass
class Access:
    """What one app may touch, by logical name."""

    buckets: set[str] = field(default_factory=set)
    queues: set[str] = field(default_factory=set)
    state_machines: set[str] = field(default_factory=set)
    publishes: bool = False
    # Extra IAM statements from infra/access.yaml: {"actions": [...], "resource": "bus"|"*"|...}
    extra: list[dict[str, object]] = field(default_factory=list)


def _module_file(module: str, root: Path) -> Path | None:
    base = root.joinpath(*module.split("."))
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _imports(tree: ast.AST, module: str, path: Path, root: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = _package_of(module, path).split(".")
                pkg = pkg[: len(pkg) - node.level + 1] if node.level > 1 else pkg
                base = ".".join(pkg + ([base] if base else []))
            found.add(base)
            # `from vigil.x import y` may name the submodule vigil.x.y.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m == "vigil" or m.startswith("vigil.")} & {
        m for m in found if _module_file(m, root) is not None
    }


def reachable_strings(app_file: Path, root: Path = LAYER_ROOT) -> tuple[set[str], set[str]]:
    """(string literals, module names) of `app_file` and every vigil module it reaches."""
    strings: set[str] = set()
    seen: set[str] = set()
    todo: list[tuple[str, Path]] = [("app", app_file)]
    while todo:
        module, path = todo.pop()
        tree = ast.parse(path.read_text(), filename=str(path))
        # The queue a handler consumes is named in its decorator; consuming is granted per
        # function (iam.py), so that name alone must not let the whole app send to the queue.
        consumed = {
            id(kw.value) for n in ast.walk(tree) if isinstance(n, ast.Call)
            and getattr(n.func, "attr", None) == "on_sqs_message" for kw in n.keywords if kw.arg == "queue"
        }
        strings.update(
            n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in consumed
        )
        for name in _imports(tree, module, path, root):
            if name not in seen:
                seen.add(name)
                target = _module_file(name, root)
                if target is not None:
                    todo.append((name, target))
    return strings, seen


def _overrides(path: Path) -> dict[str, dict[str, object]]:
    if not path.is_file():
        return {}
    return dict(yaml.safe_load(path.read_text()) or {})


def app_access(
    service: str, app_file: Path, definition: ResourceDefinition, overrides: Path = ACCESS_OVERRIDES
) -> Access:
    strings, modules = reachable_strings(app_file)
    access = Access(
        buckets={b for b in definition.buckets if b in strings},
        queues={q.name for q in definition.queues if q.name in strings},
        state_machines={m.name for m in definition.state_machines if m.name in strings},
        publishes=PUBLISHER_MODULE in modules,
    )
    extra = _overrides(overrides).get(service) or {}
    access.buckets |= set(extra.get("buckets", []) or [])  # type: ignore[call-overload]
    access.queues |= set(extra.get("queues", []) or [])  # type: ignore[call-overload]
    access.state_machines |= set(extra.get("stateMachines", []) or [])  # type: ignore[call-overload]
    access.publishes = access.publishes or bool(extra.get("publishes", False))
    access.extra = list(extra.get("statements", []) or [])  # type: ignore[call-overload]
    unknown = (
        (access.buckets - set(definition.buckets))
        | (access.queues - {q.name for q in definition.queues})
        | (access.state_machines - {m.name for m in definition.state_machines})
    )
    if unknown:
        raise ValueError(f"infra/access.yaml grants {service} unknown resources: {sorted(unknown)}")
    return access
