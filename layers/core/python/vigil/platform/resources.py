"""Typed view of `infra/resources.yaml`."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

REPO_ROOT = Path(__file__).resolve().parents[5]
DEFAULT_DEFINITION = REPO_ROOT / "infra" / "resources.yaml"


class QueueDef(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    name: str
    events: list[str] = []
    visibility_timeout: int = Field(60, alias="visibilityTimeout", ge=1, le=43200)
    max_receive_count: int = Field(3, alias="maxReceiveCount", ge=1, le=1000)
    retention_seconds: int = Field(4 * 24 * 3600, alias="retentionSeconds")

    @property
    def dlq_name(self) -> str:
        return f"{self.name}-dlq"


class StateMachineDef(BaseModel):
    name: str
    definition: str
    substitutions: dict[str, str] = {}


class ResourceDefinition(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    bus: str = "events"
    buckets: list[str] = []
    queues: list[QueueDef] = []
    state_machines: list[StateMachineDef] = Field([], alias="stateMachines")

    @field_validator("queues")
    @classmethod
    def _unique_queues(cls, queues: list[QueueDef]) -> list[QueueDef]:
        names = [q.name for q in queues]
        if len(names) != len(set(names)):
            raise ValueError("queue names must be unique")
        return queues

    def queue(self, name: str) -> QueueDef:
        for q in self.queues:
            if q.name == name:
                return q
        raise KeyError(name)


def load(path: Path | str = DEFAULT_DEFINITION) -> ResourceDefinition:
    with open(path) as fh:
        return ResourceDefinition.model_validate(yaml.safe_load(fh) or {})
