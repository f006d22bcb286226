"""Base models for the HTTP surface: camelCase JSON, pages, the error body."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

T = TypeVar("T")

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class ApiModel(BaseModel):
    """Snake case in Python, camelCase on the wire; unknown fields are rejected."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", str_strip_whitespace=True
    )


class ResponseModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class PageQuery(ApiModel):
    page: int = Field(0, ge=0, description="zero-based page number")
    size: int = Field(20, ge=1, le=500)

    @property
    def offset(self) -> int:
        return self.page * self.size


class Page(ResponseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int


class ErrorDetail(ResponseModel):
    field: str | None = None
    message: str


class ErrorBody(ResponseModel):
    code: str
    message: str
    details: list[dict[str, Any]] = []


class ErrorResponse(ResponseModel):
    error: ErrorBody
