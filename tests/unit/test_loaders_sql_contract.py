"""The loader SQL contract: which queries are accepted, and how rows become signal points."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from vigil import errors
from vigil.loaders import sql_contract
from vigil.loaders.sql_contract import epoch_seconds, to_points, validate_sql

ACCEPTED = [
    "SELECT now() AS load_time_stamp",
    "select 1 as load_time_stamp;",
    "WITH t AS (SELECT date_trunc('minute', now()) AS ts) SELECT ts AS load_time_stamp FROM t",
    "SELECT 'DELETE FROM x; DROP TABLE y' AS note, now() AS load_time_stamp",  # keywords in a string
    "SELECT now() AS load_time_stamp -- ; DROP TABLE y",  # ... or in a comment
    "SELECT replace(name, 'a', 'b') AS segment_code, now() AS load_time_stamp FROM t",
    "SELECT count(*) AS rec_count, max(updated_at) AS load_time_stamp FROM orders WHERE status = 'PAID'",
    "SELECT now() AS load_time_stamp /* trailing ; comment */ ;",
]

REJECTED = [
    ("SELECT 1; SELECT 2", "one statement"),
    ("SELECT 1 AS load_time_stamp; DROP TABLE payments", "one statement"),
    ("INSERT INTO t VALUES (1)", "SELECT"),
    ("UPDATE t SET a = 1", "SELECT"),
    ("DROP TABLE t", "SELECT"),
    ("TRUNCATE t", "SELECT"),
    ("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "DELETE"),
    ("WITH d AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM d", "INSERT"),
    ("SELECT * INTO new_table FROM t", "INTO"),
    ("SELECT * FROM t INTO OUTFILE '/tmp/x'", "INTO"),
    ("SELECT * FROM t FOR UPDATE", "UPDATE"),
    ("SELECT * FROM t FOR SHARE", "FOR SHARE"),
    ("SELECT * FROM t FOR NO KEY UPDATE", "FOR NO"),
    ("SELECT * FROM t LOCK IN SHARE MODE", "LOCK"),
    ("SELECT pg_advisory_lock(1)", "pg_advisory_lock"),
    ("SELECT GET_LOCK('x', 10)", "get_lock"),
    ("SELECT set_config('statement_timeout', '0', false)", "set_config"),
    ("SELECT nextval('seq')", "nextval"),
    ("SELECT pg_read_file('/etc/passwd')", "pg_read_file"),
    ("SELECT * FROM dblink('host=x', 'DELETE FROM t') AS r(a int)", "dblink"),
    ("SET statement_timeout = 0", "SELECT"),
    ("BEGIN", "SELECT"),
    ("COPY t TO '/tmp/x'", "SELECT"),
    ("EXPLAIN ANALYZE SELECT 1", "SELECT"),
    ("CALL do_things()", "SELECT"),
    ("   ", "empty"),
    ("-- only a comment", "one statement"),
]


@pytest.mark.parametrize("sql", ACCEPTED)
def test_a_single_read_only_select_is_accepted(sql):
    cleaned = validate_sql(sql)
    assert not cleaned.endswith(";")


@pytest.mark.parametrize("sql, why", REJECTED)
def test_anything_else_is_rejected_with_the_reason(sql, why):
    with pytest.raises(errors.ValidationFailed) as info:
        validate_sql(sql)
    assert why.lower() in info.value.message.lower()
    assert info.value.details[0]["field"] == "body.loaderSql"


def test_rows_become_points_with_defaults_and_conversions():
    ts = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    conv = to_points(
        loader_code="L", columns=["LOAD_TIME_STAMP", "segment_code", "rec_count", "avg_val", "extra"],
        rows=[(ts, "EU", Decimal("3"), Decimal("1.5"), "ignored"), (ts, None, None, None, 1)], segments=[],
    )
    assert conv.errors == [] and conv.skipped == 0
    first, second = conv.points
    expected = ("EU", int(ts.timestamp()), 3, 1.5)
    assert (first.segment_code, first.load_time_stamp, first.rec_count, first.avg_val) == expected
    assert (second.segment_code, second.rec_count, second.avg_val, second.max_val) == ("ALL", 0, None, None)


def test_the_segment_list_filters_rows_and_labels_a_single_segment():
    rows = [(100, "CARD"), (100, "WALLET"), (100, None)]
    only_card = to_points(loader_code="L", columns=["load_time_stamp", "segment_code"], rows=rows, segments=["CARD"])
    assert [p.segment_code for p in only_card.points] == ["CARD", "CARD"]  # NULL -> the only listed segment
    assert only_card.skipped == 1
    two = to_points(loader_code="L", columns=["load_time_stamp", "segment_code"], rows=rows,
                    segments=["CARD", "ALL"])
    assert [p.segment_code for p in two.points] == ["CARD", "ALL"] and two.skipped == 1


def test_bad_rows_are_reported_by_row_number():
    rows = [(None, 1), ("not a time", 1), (100, -1), (100, 1.5), (100, 2)]
    conv = to_points(loader_code="L", columns=["load_time_stamp", "rec_count"], rows=rows, segments=[])
    assert [e["row"] for e in conv.errors] == [1, 2, 3, 4]
    assert "NULL" in conv.errors[0]["message"] and "not a timestamp" in conv.errors[1]["message"]
    assert "rec_count" in conv.errors[2]["message"] and "whole number" in conv.errors[3]["message"]
    assert len(conv.points) == 1


def test_a_missing_required_column_is_named():
    with pytest.raises(errors.ValidationFailed, match="load_time_stamp"):
        to_points(loader_code="L", columns=["ts", "rec_count"], rows=[], segments=[])


def test_non_finite_values_are_rejected():
    conv = to_points(loader_code="L", columns=["load_time_stamp", "max_val"], rows=[(100, float("nan"))], segments=[])
    assert conv.points == [] and "finite" in conv.errors[0]["message"]


@pytest.mark.parametrize("value, expected", [
    (datetime(2026, 1, 1, tzinfo=UTC), 1767225600),
    (datetime(2026, 1, 1), 1767225600),  # naive is UTC
    (date(2026, 1, 1), 1767225600),
    (1767225600, 1767225600),
    (Decimal("1767225600.9"), 1767225600),
    ("1767225600", 1767225600),
    ("2026-01-01T01:00:00+01:00", 1767225600),
    ("2026-01-01 00:00:00Z", 1767225600),
])
def test_timestamps_in_every_accepted_form(value, expected):
    assert epoch_seconds(value) == expected


def test_preview_cells_are_json_safe():
    assert sql_contract.jsonable(Decimal("1.25")) == 1.25
    assert sql_contract.jsonable(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00+00:00"
    assert sql_contract.jsonable(b"abc") == "abc"


def test_epoch_milliseconds_are_refused_with_a_hint():
    with pytest.raises(ValueError, match="milliseconds"):
        epoch_seconds(1767225600000)
