"""Request and response models of the notifications API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import EmailStr, Field, field_validator, model_validator

from vigil.api.models import ApiModel, PageQuery, ResponseModel
from vigil.notifications.models import TEMPLATES, Channel, DeliveryStatus, EscalationStatus, SubjectType

E164 = r"^\+[1-9][0-9]{6,14}$"
Severity = Literal["INFO", "WARNING", "HIGH", "CRITICAL"]


class Member(ApiModel):
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr | None = None
    phone: str | None = Field(None, pattern=E164, description="E.164, e.g. +4915112345678")
    user_id: uuid.UUID | None = None
    webhook_url: str | None = Field(None, max_length=2000, pattern=r"^https?://")
    channels: list[Channel] | None = Field(
        None, description="channels this member accepts; unset = every channel with an address")

    @model_validator(mode="after")
    def _reachable(self) -> Member:
        if not (self.email or self.phone or self.user_id or self.webhook_url):
            raise ValueError("a member needs an email, phone, userId or webhookUrl")
        return self


class ContactGroupIn(ApiModel):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    members: list[Member] = Field(min_length=1, max_length=200)


class ContactGroupOut(ResponseModel):
    id: str
    name: str
    description: str | None = None
    members: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime


class Target(ApiModel):
    contact_group_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Target:
        if (self.contact_group_id is None) == (self.user_id is None):
            raise ValueError("a target is either {contactGroupId} or {userId}")
        return self


class Level(ApiModel):
    channels: list[Channel] = Field(min_length=1, max_length=4)
    targets: list[Target] = Field(min_length=1, max_length=20)
    wait_seconds: int = Field(ge=0, le=86400, description="wait after this level before the next")

    @field_validator("channels")
    @classmethod
    def _unique(cls, v: list[Channel]) -> list[Channel]:
        if len(set(v)) != len(v):
            raise ValueError("a channel appears twice")
        return v


class Match(ApiModel):
    severities: list[Severity] = []
    loader_codes: list[str] = Field([], max_length=100)
    labels: dict[str, str] = {}

    @property
    def empty(self) -> bool:
        return not (self.severities or self.loader_codes or self.labels)


class PolicyIn(ApiModel):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    levels: list[Level] = Field(min_length=1, max_length=10)
    repeat: int = Field(0, ge=0, le=5, description="extra passes over all levels before giving up")
    match: Match | None = None
    is_default: bool = Field(False, description="chosen when no other policy matches")


class PolicyOut(ResponseModel):
    id: str
    name: str
    description: str | None = None
    levels: list[dict[str, Any]]
    repeat: int
    match: dict[str, Any]
    is_default: bool
    created_at: datetime
    updated_at: datetime


class ListQuery(PageQuery):
    q: str | None = Field(None, max_length=100, description="substring of the name")


class LogQuery(PageQuery):
    channel: Channel | None = None
    status: DeliveryStatus | None = None
    recipient: str | None = Field(None, max_length=300)
    template: str | None = Field(None, max_length=100)
    subject_type: SubjectType | None = None
    subject_id: str | None = Field(None, max_length=200)
    event_id: str | None = Field(None, max_length=200)
    since: datetime | None = None
    until: datetime | None = None


class LogEntry(ResponseModel):
    id: int
    delivery_id: str
    channel: Channel
    provider: str
    recipient: str
    template: str
    status: DeliveryStatus
    attempt: int
    error: str | None = None
    event_id: str
    subject_type: str | None = None
    subject_id: str | None = None
    level: int | None = None
    created_at: datetime
    sent_at: datetime | None = None
    delivered_at: datetime | None = None


class SendRequestIn(ApiModel):
    """A manual notification: to one address or to targets, with a template or free text."""

    channel: Channel
    recipient: str | None = Field(None, min_length=3, max_length=300)
    targets: list[Target] = Field([], max_length=20)
    template: str = "manual"
    subject: str | None = Field(None, max_length=300)
    message: str | None = Field(None, max_length=5000)
    context: dict[str, Any] = {}

    @model_validator(mode="after")
    def _check(self) -> SendRequestIn:
        if not self.recipient and not self.targets:
            raise ValueError("send a recipient or targets")
        if self.template not in TEMPLATES:
            raise ValueError(f"template must be one of {', '.join(TEMPLATES)}")
        if self.template == "manual" and not (self.subject and self.message):
            raise ValueError("a manual notification needs subject and message")
        return self


class SendAccepted(ResponseModel):
    request_id: str
    status: str = "queued"


class CallbackResult(ResponseModel):
    updated: int


class EscalationOut(ResponseModel):
    id: str
    subject_type: SubjectType
    subject_id: str
    policy_id: str | None = None
    status: EscalationStatus
    execution_arn: str | None = None
    steps: int
    acknowledged_by: str | None = None
    created_at: datetime
    started_at: datetime | None = None
    stopped_at: datetime | None = None


class EscalationQuery(PageQuery):
    subject_type: SubjectType | None = None
    subject_id: str | None = Field(None, max_length=200)
    status: EscalationStatus | None = None
