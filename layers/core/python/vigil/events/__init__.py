"""Events on the bus: envelope and catalog, publishing, and at-least-once idempotent consuming."""

from vigil.events.catalog import EVENT_TYPES, Envelope, parse_envelope
from vigil.events.publisher import publish, send_to_queue

__all__ = ["EVENT_TYPES", "Envelope", "parse_envelope", "publish", "send_to_queue"]
