"""The segments dictionary: the segment codes loaders may list, with a description each."""

from __future__ import annotations

from vigil import errors
from vigil.db import Database, Row, UniqueViolation
from vigil.loaders import repository as repo
from vigil.loaders.schemas import CreateSegment, SegmentOut


def segment_out(row: Row) -> SegmentOut:
    return SegmentOut(**row)


def get_segment(db: Database, code: str) -> SegmentOut:
    with db.session() as s:
        row = repo.get_segment(s, code)
    if row is None:
        raise errors.NotFound(f"segment {code} not found")
    return segment_out(row)


def list_segments(db: Database, *, q: str | None, page: int, size: int) -> tuple[list[SegmentOut], int]:
    with db.session() as s:
        rows, total = repo.search_segments(s, q=q, limit=size, offset=page * size)
    return [segment_out(r) for r in rows], total


def create_segment(db: Database, body: CreateSegment, *, audit) -> SegmentOut:  # type: ignore[no-untyped-def]
    with db.session() as s:
        try:
            row = repo.insert_segment(s, code=body.segment_code, description=body.description)
        except UniqueViolation as exc:
            raise errors.Conflict(f"segment {body.segment_code} already exists") from exc
        out = segment_out(row)
        audit(action="segment.create", entity_type="segment", entity_id=out.segment_code, after=out, session=s)
    return out


def update_segment(db: Database, code: str, *, description: str, audit) -> SegmentOut:  # type: ignore[no-untyped-def]
    with db.session() as s:
        before = repo.get_segment(s, code)
        if before is None:
            raise errors.NotFound(f"segment {code} not found")
        row = repo.update_segment(s, code, description=description)
        assert row is not None
        out = segment_out(row)
        audit(action="segment.update", entity_type="segment", entity_id=code, before=segment_out(before),
              after=out, session=s)
    return out


def delete_segment(db: Database, code: str, *, audit) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        before = repo.get_segment(s, code)
        if before is None:
            raise errors.NotFound(f"segment {code} not found")
        users = repo.loaders_using_segment(s, code)
        if users:
            raise errors.Conflict(f"segment {code} is listed by loader(s) {', '.join(users[:20])}; remove it "
                                  "from them first")
        repo.delete_segment(s, code)
        audit(action="segment.delete", entity_type="segment", entity_id=code, before=segment_out(before),
              session=s)
