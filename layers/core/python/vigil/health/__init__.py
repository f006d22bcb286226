"""Health of the platform's dependencies."""
