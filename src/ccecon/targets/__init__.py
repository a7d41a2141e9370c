"""Targets: fiscal calendars, exact decomposition of goals, re-planning, attribution."""
