"""A long raw range is read as two halves on two connections; the answer is the same as one read."""

from __future__ import annotations

import math

import pytest

from tests.support.signals import new_loader_code, write_series
from vigil.signals import query, rawfetch
from vigil.signals.schemas import SignalQuery

T0 = 1_780_000_000


@pytest.mark.parametrize("segments", [None, ["EU", "US"]])
def test_parallel_halves_give_the_serial_answer(db, segments):
    code = new_loader_code("RP")
    for seg, phase in (("EU", 0.0), ("US", 1.0)):
        write_series(code, [(T0 + 600 * i, 50 + 40 * math.sin(i / 9 + phase) + (i % 7)) for i in range(700)],
                     segment=seg)
    q = SignalQuery(loader_code=code, from_epoch=T0, to_epoch=T0 + 600 * 700, segment_code=segments,
                    aggregation="raw", limit=60)
    assert q.to_epoch - q.from_epoch > rawfetch.PARALLEL_FROM_SECONDS  # the halves path is taken
    parallel = query.run(db=db, store=None, q=q)
    with db.session() as s:
        serial = query.execute(s, q)
    assert parallel == serial
    assert parallel.sampled and parallel.original_points == 700 * (2 if segments else 1)
    assert len(parallel.data_points) == 60 * (2 if segments else 1)
