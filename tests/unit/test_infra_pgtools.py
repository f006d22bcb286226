"""pg_dump / pg_restore are chosen to fit the server: the PostgreSQL 15 tools on PATH for the
local 15 server, the embedded database's own 16 tools for PostgreSQL 16."""

from __future__ import annotations

import pytest

from vigil.ops import pgtools


def test_the_oldest_tool_new_enough_is_chosen():
    majors = sorted({t.major for t in pgtools.candidates("pg_dump")})
    assert majors, "no pg_dump found at all"
    for need in majors:
        assert pgtools.pick("pg_dump", at_least=need).major == need
    assert pgtools.pick("pg_restore", at_least=min(majors)).major == min(majors)


def test_the_embedded_postgres_16_has_a_dump_tool():
    # pgserver (the embedded default) is PostgreSQL 16 and ships pg_dump 16
    assert pgtools.pick("pg_dump", at_least=16).major >= 16


def test_no_tool_new_enough_is_a_clear_error():
    with pytest.raises(RuntimeError, match="postgresql-client-99"):
        pgtools.pick("pg_dump", at_least=99)
