-- An alert's ladder is superseded when its incident opens: the incident's ladder pages instead,
-- so nobody is paged twice for one problem.
ALTER TABLE notification_escalations DROP CONSTRAINT notification_escalations_status_check;
ALTER TABLE notification_escalations ADD CONSTRAINT notification_escalations_status_check
    CHECK (status IN ('PENDING', 'RUNNING', 'NO_POLICY', 'ACKNOWLEDGED', 'RESOLVED', 'SUPERSEDED'));
