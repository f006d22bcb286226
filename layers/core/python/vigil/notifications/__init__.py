"""Notifications: providers per channel, templates, contact groups, escalation policies and
ladders on Step Functions, the delivery log."""
