"""One small metrics API for every domain: Prometheus text at `GET /metrics` in the local
runtime, CloudWatch embedded-metric-format (EMF) log lines in Lambda.

Call the named helpers (`evaluation`, `alert_fired`, `notification`, `jira_failure`, ...) or
`count` / `observe` / `gauge` with a name from `CATALOG`. Values are kept in process (what
`/metrics` shows); in Lambda (`AWS_LAMBDA_FUNCTION_NAME` is set) each value is also printed as
one EMF line, which CloudWatch turns into a metric without any API call. Labels become EMF
dimensions, so keep them low-cardinality (route templates, not paths; severities, not ids).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["counter", "histogram", "gauge"]
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
NAMESPACE = "Vigil"


@dataclass(frozen=True)
class Metric:
    kind: Kind
    help: str
    unit: str  # CloudWatch unit


CATALOG: dict[str, Metric] = {
    "vigil_http_requests_total": Metric("counter", "HTTP requests by app, route, method and status", "Count"),
    "vigil_http_request_duration_seconds": Metric("histogram", "HTTP request duration", "Seconds"),
    "vigil_queue_messages_total": Metric(
        "counter", "Queue messages by consumer and outcome (processed, duplicate, retry, dead_lettered)", "Count"),
    "vigil_queue_lag_seconds": Metric("histogram", "Time from an event's creation to its consumer", "Seconds"),
    "vigil_queue_handler_duration_seconds": Metric("histogram", "Queue handler duration", "Seconds"),
    "vigil_dlq_depth": Metric("gauge", "Messages waiting in a dead-letter queue", "Count"),
    "vigil_events_published_total": Metric(
        "counter", "Events put on the bus by type (alert.triggered = alerts fired, incident.created, ...)", "Count"),
    "vigil_evaluations_total": Metric(
        "counter", "Alert rule evaluations by outcome (evaluated, triggered, resolved, invalid)", "Count"),
    "vigil_evaluation_duration_seconds": Metric("histogram", "Duration of one alert evaluation cycle", "Seconds"),
    "vigil_alerts_fired_total": Metric("counter", "Alerts fired by severity", "Count"),
    "vigil_notifications_total": Metric("counter", "Notifications by channel and outcome (sent, failed)", "Count"),
    "vigil_jira_failures_total": Metric("counter", "Failed Jira calls by operation", "Count"),
    "vigil_loader_runs_total": Metric("counter", "Loader runs by outcome", "Count"),
}

LabelKey = tuple[tuple[str, str], ...]


class Registry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, dict[LabelKey, Any]] = {}
        self._collectors: list[Callable[[], None]] = []
        self.emf = bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))

    def _metric(self, name: str, kind: Kind) -> Metric:
        metric = CATALOG.get(name)
        if metric is None or metric.kind != kind:
            raise ValueError(f"{name} is not a {kind} in vigil.ops.metrics.CATALOG")
        return metric

    def count(self, name: str, value: float = 1, /, **labels: str) -> None:
        metric = self._metric(name, "counter")
        key = _key(labels)
        with self._lock:
            series = self._values.setdefault(name, {})
            series[key] = series.get(key, 0) + value
        self._emit(name, metric, value, labels)

    def gauge(self, name: str, value: float, /, **labels: str) -> None:
        metric = self._metric(name, "gauge")
        with self._lock:
            self._values.setdefault(name, {})[_key(labels)] = value
        self._emit(name, metric, value, labels)

    def observe(self, name: str, value: float, /, **labels: str) -> None:
        metric = self._metric(name, "histogram")
        key = _key(labels)
        with self._lock:
            hist = self._values.setdefault(name, {}).setdefault(key, [[0] * len(BUCKETS), 0.0, 0])
            for i, bound in enumerate(BUCKETS):
                if value <= bound:
                    hist[0][i] += 1
            hist[1] += value
            hist[2] += 1
        self._emit(name, metric, value, labels)

    @contextmanager
    def timer(self, name: str, /, **labels: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.observe(name, time.perf_counter() - started, **labels)

    def add_collector(self, collector: Callable[[], None]) -> None:
        """A callback run before each scrape (e.g. reading DLQ depths)."""
        self._collectors.append(collector)

    def remove_collector(self, collector: Callable[[], None]) -> None:
        if collector in self._collectors:
            self._collectors.remove(collector)

    def value(self, name: str, /, **labels: str) -> Any:
        with self._lock:
            return self._values.get(name, {}).get(_key(labels))

    def render_prometheus(self) -> str:
        for collector in list(self._collectors):
            collector()
        lines: list[str] = []
        with self._lock:
            for name in sorted(self._values):
                metric = CATALOG[name]
                lines.append(f"# HELP {name} {metric.help}")
                lines.append(f"# TYPE {name} {metric.kind}")
                for key, value in sorted(self._values[name].items()):
                    if metric.kind == "histogram":
                        buckets, total, n = value
                        for bound, c in zip(BUCKETS, buckets, strict=True):
                            lines.append(f"{name}_bucket{_labels(key, le=_num(bound))} {c}")
                        lines.append(f"{name}_bucket{_labels(key, le='+Inf')} {n}")
                        lines.append(f"{name}_sum{_labels(key)} {_num(total)}")
                        lines.append(f"{name}_count{_labels(key)} {n}")
                    else:
                        lines.append(f"{name}{_labels(key)} {_num(value)}")
        return "\n".join(lines) + "\n"

    def _emit(self, name: str, metric: Metric, value: float, labels: dict[str, str]) -> None:
        if not self.emf:
            return
        document: dict[str, Any] = {
            "_aws": {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [sorted(labels)],
                "Metrics": [{"Name": name, "Unit": metric.unit}],
            }]},
            name: value,
            **{k: str(v) for k, v in labels.items()},
        }
        sys.stdout.write(json.dumps(document) + "\n")
        sys.stdout.flush()

    def reset(self) -> None:
        with self._lock:
            self._values.clear()


def _key(labels: dict[str, Any]) -> LabelKey:
    return tuple(sorted((k, str(v)) for k, v in labels.items()))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(key: LabelKey, **extra: str) -> str:
    pairs = list(key) + list(extra.items())
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in pairs) + "}" if pairs else ""


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


REGISTRY = Registry()
count = REGISTRY.count
gauge = REGISTRY.gauge
observe = REGISTRY.observe
timer = REGISTRY.timer


# -- named helpers for the domains -------------------------------------------------------------

def evaluation_cycle(*, duration_seconds: float, evaluated: int, triggered: int = 0, resolved: int = 0,
                     invalid: int = 0) -> None:
    """One evaluator cycle: how many rules it evaluated, fired, resolved or could not evaluate."""
    for outcome, n in (("evaluated", evaluated), ("triggered", triggered), ("resolved", resolved),
                       ("invalid", invalid)):
        if n:
            count("vigil_evaluations_total", n, outcome=outcome)
    observe("vigil_evaluation_duration_seconds", duration_seconds)


def alert_fired(*, severity: str) -> None:
    count("vigil_alerts_fired_total", severity=severity)


def notification(*, channel: str, sent: bool) -> None:
    count("vigil_notifications_total", channel=channel, outcome="sent" if sent else "failed")


def jira_failure(*, operation: str) -> None:
    count("vigil_jira_failures_total", operation=operation)


def loader_run(*, outcome: str) -> None:
    count("vigil_loader_runs_total", outcome=outcome)


def queue_message(*, consumer: str, outcome: str) -> None:
    count("vigil_queue_messages_total", consumer=consumer, outcome=outcome)
