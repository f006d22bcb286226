"""Failure modes of the Jira integration, each a subclass of the platform's errors so the one
HTTP mapping and the one queue mapping (retry vs DLQ) apply unchanged."""

from __future__ import annotations

from vigil import errors


class JiraNotConfigured(errors.Conflict):
    """The integration has no configuration yet (PUT /api/v1/integrations/jira/config first)."""

    code = "JIRA_NOT_CONFIGURED"


class JiraUnavailable(errors.DependencyUnavailable):
    """Jira answered 429 / 5xx or timed out on every attempt: worth retrying later."""

    code = "JIRA_UNAVAILABLE"


class JiraRejected(errors.ValidationFailed):
    """Jira refused the call (4xx other than 429): retrying the same call cannot succeed."""

    code = "JIRA_REJECTED"


class NoTransition(errors.ValidationFailed):
    """The issue's workflow offers no transition to the mapped status."""

    code = "JIRA_NO_TRANSITION"


class BadSignature(errors.Unauthenticated):
    """A webhook whose X-Hub-Signature is missing or does not match."""

    code = "BAD_SIGNATURE"
