"""Scenario files: pydantic schema, loading with clear errors, JSON Schema."""
