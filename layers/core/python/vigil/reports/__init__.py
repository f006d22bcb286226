"""RCA reports: a PDF per incident (fpdf2 layout, jinja2 text), stored in `rca-reports`."""
