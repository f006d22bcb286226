"""Jira: tickets from incidents, both-way sync, signed webhooks, retried and logged calls.

Files by role: `schemas` (API models), `config` (the stored configuration and its secrets),
`mapping` (our values ↔ Jira values), `adf` (Atlassian Document Format), `retry` (backoff
policy), `client` (REST calls, Cloud v3 / Data Center v2), `repository` (SQL), `incidents`
(the port onto the incidents domain), `sync` (incident → Jira), `webhook` (Jira → incident),
`service` (what the HTTP routes and the queue consumer call).
"""
