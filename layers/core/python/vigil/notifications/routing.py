"""Pick the escalation policy for an alert or incident: the most specific match, else the default.

A policy matches when every criterion it sets holds: the severity is one of `severities`,
the loader one of `loaderCodes`, and every label in `labels` is present with that value.
Specificity counts the criteria set (each label counts); ties go to the oldest policy.
A policy without criteria is only ever chosen as the default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def matches(match: Mapping[str, Any], *, severity: str | None, loader_code: str | None,
            labels: Mapping[str, str]) -> int:
    """Specificity of a match (0 = does not match or sets nothing)."""
    score = 0
    severities = match.get("severities") or []
    if severities:
        if severity not in severities:
            return 0
        score += 1
    loaders = match.get("loaderCodes") or []
    if loaders:
        if loader_code not in loaders:
            return 0
        score += 1
    wanted = match.get("labels") or {}
    for key, value in wanted.items():
        if labels.get(key) != value:
            return 0
        score += 1
    return score


def select_policy(policies: Sequence[Mapping[str, Any]], *, severity: str | None, loader_code: str | None,
                  labels: Mapping[str, str] | None = None) -> Mapping[str, Any] | None:
    """`policies` in creation order, each with `match` and `is_default`."""
    best: Mapping[str, Any] | None = None
    best_score = 0
    for policy in policies:
        score = matches(policy.get("match") or {}, severity=severity, loader_code=loader_code,
                        labels=labels or {})
        if score > best_score:
            best, best_score = policy, score
    if best is not None:
        return best
    return next((p for p in policies if p.get("is_default")), None)
