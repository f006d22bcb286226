"""Execution: the scheduler's half (find due loaders, queue one run each) and the queue
handler's half (run the query on the source, write the signals, record the outcome).

Outcomes of one delivery of a run message:
- the source is unreachable (or anything else unexpected): the attempt's error is noted and the
  exception re-raised, so SQS redelivers; on the queue's last allowed receive the run is
  recorded FAILED with that error instead;
- the source refuses the query, times it out, returns rows that break the contract or more rows
  than the cap, or is not read-only compliant: FAILED at once (retrying cannot help), and
  nothing is written;
- the loader is at its maxParallelism: the message is re-queued with a delay (up to
  MAX_WAITS times, then FAILED);
- otherwise the points go through `vigil.signals.ingest.ingest` and the run is SUCCESS.
A message whose execution is already SUCCESS or FAILED is ignored (idempotent on executionId).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from vigil import errors, sourcedb
from vigil.db import Database
from vigil.events.catalog import Envelope, make
from vigil.events.publisher import put_envelopes, send_to_queue
from vigil.loaders import parallelism, sources_service, sql_contract
from vigil.loaders import repository as repo
from vigil.loaders.service import SCHEDULE, decrypt_sql
from vigil.logging import get_logger
from vigil.ops import metrics
from vigil.redis import Store
from vigil.settings import get_settings
from vigil.signals.ingest import ingest

log = get_logger(__name__)

QUEUE = "loaders-run"
SLACK_SECONDS = 15  # the schedule ticks once a minute; a loader due within 15 s runs now
MAX_WAITS = 30
WAIT_SECONDS = 10
SUCCESS, FAILED = "SUCCESS", "FAILED"
# Longer than any legitimate life of a run: 3 receives x 330 s visibility, or 30 x 10 s waits.
STALE_SECONDS = 3600


class RunFailed(errors.VigilError):
    """A run that failed for a reason retrying cannot fix."""

    code = "RUN_FAILED"


def enqueue_due(db: Database, store: Store, *, now: datetime) -> list[str]:
    """Claim every due enabled loader with a free slot and queue one run message for each."""
    envelopes: list[Envelope] = []
    with db.session() as s:
        stale = repo.fail_stale(s, older_than_seconds=STALE_SECONDS,
                                message=f"no outcome recorded within {STALE_SECONDS // 60} minutes (run lost)")
        if stale:
            log.warning("stale loader runs closed as FAILED", extra={"count": stale})
        repo.prune_executions(s, older_than_days=get_settings().loader_execution_retention_days)
        due = repo.claim_due(s, now=now, slack_seconds=SLACK_SECONDS)
        chosen = [r for r in due if parallelism.running(store, loader_code=r["loader_code"]) < r["max_parallelism"]]
        for r in chosen:
            execution_id = str(uuid.uuid4())
            repo.open_execution(s, execution_id=execution_id, loader_id=r["id"], loader_code=r["loader_code"],
                                trigger=SCHEDULE)
            envelopes.append(make("loader.run.requested", {"loaderCode": r["loader_code"],
                                                           "executionId": execution_id, "trigger": SCHEDULE}))
        repo.mark_scheduled(s, [r["id"] for r in chosen], now)
        # Published inside the transaction: if the bus refuses, nothing is marked as scheduled.
        put_envelopes(envelopes)
    codes = [r["loader_code"] for r in chosen]
    if codes:
        log.info("loader runs queued", extra={"loaders": codes})
    return codes


def execute(db: Database, store: Store, *, loader_code: str, execution_id: str, trigger: str,
            attempt: int, max_attempts: int) -> str:
    """Handle one delivery of a run message; returns what happened (for logs and tests)."""
    if not sources_service.is_uuid(execution_id):
        raise errors.PoisonMessage(f"executionId {execution_id!r} is not a UUID")
    with db.session() as s:
        loader = repo.get_loader(s, loader_code)
        if loader is None:
            return "loader-deleted"
        run = repo.open_execution(s, execution_id=execution_id, loader_id=loader["id"], loader_code=loader_code,
                                  trigger=trigger)
    if run["status"] != "RUNNING":
        return "already-finished"
    if trigger == SCHEDULE and not loader["enabled"]:
        _finish(db, execution_id, FAILED, error="skipped: the loader was paused before the run started")
        return "paused"
    lease = loader["timeout_seconds"] + get_settings().source_connect_timeout_seconds + 30
    if not parallelism.acquire(store, loader_code=loader_code, execution_id=execution_id,
                               limit=loader["max_parallelism"], lease_seconds=lease):
        return _wait_for_slot(db, loader, execution_id, trigger, attempt)
    try:
        with db.session() as s:
            attempts = repo.start_attempt(s, execution_id)
        try:
            rows, skipped = _run_query(db, loader)
        except (RunFailed, sourcedb.SourceQueryFailed, errors.ValidationFailed) as exc:
            _finish(db, execution_id, FAILED, error=exc.message)
            return "failed"
        except Exception as exc:  # noqa: BLE001 - record every retryable failure, then let SQS retry
            message = exc.message if isinstance(exc, errors.VigilError) else f"{type(exc).__name__}: {exc}"
            if attempts >= max_attempts:
                _finish(db, execution_id, FAILED, error=f"{message} (after {attempts} attempts)")
                return "failed"
            with db.session() as s:
                repo.note_attempt_error(s, execution_id, f"attempt {attempts} failed: {message}")
            raise
        _finish(db, execution_id, SUCCESS, rows=rows, skipped=skipped)
        return "success"
    finally:
        parallelism.release(store, loader_code=loader_code, execution_id=execution_id)


def _run_query(db: Database, loader: dict) -> tuple[int, int]:
    with db.session() as s:
        source = sources_service.get_row(s, loader["source_database_id"])
    if not sources_service.is_runnable(source):
        raise RunFailed(f"source database {source['name']} is not read-only compliant "
                        "(no ADMIN override): the loader does not run against it")
    settings = get_settings()
    sql = sql_contract.validate_sql(decrypt_sql(loader))
    result = sourcedb.query(sources_service.config(source), sql, timeout_seconds=loader["timeout_seconds"],
                            max_rows=settings.loader_max_rows,
                            connect_timeout=settings.source_connect_timeout_seconds)
    if result.truncated:
        raise RunFailed(f"the query returned more than {settings.loader_max_rows} rows (LOADER_MAX_ROWS); "
                        "nothing was written")
    conv = sql_contract.to_points(loader_code=loader["loader_code"], columns=result.columns, rows=result.rows,
                                  segments=list(loader["segments"] or []))
    if conv.errors:
        shown = "; ".join(f"row {e['row']}: {e['message']}" for e in conv.errors[:5])
        raise RunFailed(f"{len(conv.errors)} row(s) break the loader SQL contract, nothing was written: {shown}")
    written = ingest(db, conv.points)
    return written, conv.skipped


def _wait_for_slot(db: Database, loader: dict, execution_id: str, trigger: str, attempt: int) -> str:
    if attempt >= MAX_WAITS:
        _finish(db, execution_id, FAILED, error=f"gave up: {loader['max_parallelism']} run(s) of this loader "
                                                f"were still running after {MAX_WAITS} waits (maxParallelism)")
        return "failed"
    envelope = make("loader.run.requested", {"loaderCode": loader["loader_code"], "executionId": execution_id,
                                             "trigger": trigger, "attempt": attempt + 1})
    send_to_queue(QUEUE, envelope, delay_seconds=WAIT_SECONDS)
    return "waiting"


def _finish(db: Database, execution_id: str, status: str, *, rows: int | None = None, skipped: int | None = None,
            error: str | None = None) -> None:
    with db.session() as s:
        repo.finish_execution(s, execution_id, status=status, rows=rows, rows_skipped=skipped,
                              error=None if error is None else error[:2000])
    metrics.loader_run(outcome=status)
