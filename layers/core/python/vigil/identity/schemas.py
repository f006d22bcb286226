"""Request and response models of the identity API."""

from __future__ import annotations

from datetime import datetime

from pydantic import EmailStr, Field, field_validator

from vigil.api.models import ApiModel, PageQuery, ResponseModel
from vigil.identity.models import Role

USERNAME = r"^[A-Za-z0-9._@-]+$"


class LoginRequest(ApiModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class RefreshRequest(ApiModel):
    refresh_token: str = Field(min_length=10, max_length=200)


class UserOut(ResponseModel):
    id: str
    username: str
    role: Role
    email: str | None = None
    disabled: bool = False
    created_at: datetime | None = None
    last_login_at: datetime | None = None


class TokenPair(ResponseModel):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"
    user: UserOut


class CreateUser(ApiModel):
    username: str = Field(min_length=3, max_length=64, pattern=USERNAME)
    password: str = Field(min_length=8, max_length=200)
    role: Role
    email: EmailStr | None = None


class UpdateUser(ApiModel):
    role: Role | None = None
    disabled: bool | None = None
    email: EmailStr | None = None


class ResetPassword(ApiModel):
    password: str = Field(min_length=8, max_length=200)


class UserQuery(PageQuery):
    q: str | None = Field(None, max_length=100, description="substring of username or email")
    role: Role | None = None
    disabled: bool | None = None

    @field_validator("q")
    @classmethod
    def _blank_is_none(cls, v: str | None) -> str | None:
        return v or None
