-- An alert can resolve while its group is still below the threshold; remember when, so the
-- incident the group opens later shows it resolved.
ALTER TABLE incident_group_alerts ADD COLUMN resolved_at timestamptz;
