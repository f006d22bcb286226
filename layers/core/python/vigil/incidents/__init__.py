"""Incidents: lifecycle, timeline, alert grouping, attachments, search and export.

Other domains (Jira sync, notifications) change incidents through `vigil.incidents.service`
with an `actor` and an `origin`; they never write the tables themselves.
"""
