"""Pure incident rules: the lifecycle graph, the grouping window, group keys, CSV cells."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vigil import errors
from vigil.incidents.export import safe_cell, to_csv
from vigil.incidents.grouping import Policy, densest_window, parse_time
from vigil.incidents.lifecycle import check_transition
from vigil.incidents.models import Status

T0 = datetime(2026, 1, 1, tzinfo=UTC)
W = timedelta(minutes=10)


@pytest.mark.parametrize("current,target", [
    (Status.NEW, Status.INVESTIGATING), (Status.INVESTIGATING, Status.RESOLVED),
    (Status.RESOLVED, Status.CLOSED), (Status.RESOLVED, Status.INVESTIGATING)])
def test_the_lifecycle_allows_its_edges(current, target):
    check_transition(current=current, target=target, note="n", reason="r")


@pytest.mark.parametrize("current,target", [
    (Status.NEW, Status.NEW), (Status.NEW, Status.RESOLVED), (Status.NEW, Status.CLOSED),
    (Status.INVESTIGATING, Status.NEW), (Status.INVESTIGATING, Status.CLOSED),
    (Status.INVESTIGATING, Status.INVESTIGATING), (Status.RESOLVED, Status.NEW),
    (Status.RESOLVED, Status.RESOLVED), (Status.CLOSED, Status.NEW),
    (Status.CLOSED, Status.INVESTIGATING), (Status.CLOSED, Status.RESOLVED), (Status.CLOSED, Status.CLOSED)])
def test_the_lifecycle_refuses_everything_else(current, target):
    with pytest.raises(errors.Conflict) as info:
        check_transition(current=current, target=target, note="n", reason="r")
    assert current.value in info.value.message and target.value in info.value.message


def test_resolution_note_and_closure_reason_are_required():
    with pytest.raises(errors.ValidationFailed, match="resolution note"):
        check_transition(current=Status.INVESTIGATING, target=Status.RESOLVED, note=" ", reason=None)
    with pytest.raises(errors.ValidationFailed, match="closure reason"):
        check_transition(current=Status.RESOLVED, target=Status.CLOSED, note=None, reason=None)


def test_densest_window_includes_both_edges():
    times = [T0, T0 + timedelta(minutes=5), T0 + W]
    assert densest_window(times, T0 + W, W) == [0, 1, 2]
    times = [T0, T0 + timedelta(minutes=5), T0 + W + timedelta(seconds=1)]
    assert densest_window(times, times[2], W) == [1, 2]


def test_densest_window_considers_later_members_for_an_early_anchor():
    times = [T0 + timedelta(minutes=9), T0, T0 + timedelta(minutes=5)]
    assert sorted(densest_window(times, T0, W)) == [0, 1, 2]


def test_group_keys_read_fields_and_labels():
    policy = Policy(keys=("loaderCode", "labels.team"))
    payload = {"loaderCode": "L1", "severity": "HIGH", "labels": {"team": "payments"}}
    assert policy.group_key(payload) == "loaderCode=L1|labels.team=payments"
    assert Policy().group_key(payload) == "loaderCode=L1|severity=HIGH"


def test_times_parse_with_z_and_naive_as_utc():
    assert parse_time("2026-01-01T00:00:00Z", field="t") == T0
    assert parse_time("2026-01-01T00:00:00", field="t") == T0
    with pytest.raises(errors.ValidationFailed, match="t is not"):
        parse_time("soon", field="t")


def test_csv_cells_are_neutralised_and_quoted():
    assert safe_cell("=SUM(A1)") == "'=SUM(A1)"
    assert safe_cell("@cmd") == "'@cmd"
    assert safe_cell("-5") == "-5"  # a number stays a number
    assert safe_cell(None) == ""
    text = to_csv([{"title": 'a "quoted", title', "description": "two\nlines"}])
    assert '"a ""quoted"", title"' in text and '"two\nlines"' in text
