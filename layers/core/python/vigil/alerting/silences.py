"""Which silences cover a rule at an instant (maintenance windows scheduled in advance)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any


def covers(silence: Mapping[str, Any], *, rule_id: str, loader_code: str, labels: Mapping[str, str],
           at: datetime) -> bool:
    if not (silence["starts_at"] <= at < silence["ends_at"]):
        return False
    if silence.get("rule_id") and silence["rule_id"] != rule_id:
        return False
    if silence.get("loader_code") and silence["loader_code"] != loader_code:
        return False
    return all(labels.get(k) == v for k, v in (silence.get("labels") or {}).items())


def any_covers(silences: Iterable[Mapping[str, Any]], **kw: Any) -> bool:
    return any(covers(s, **kw) for s in silences)
