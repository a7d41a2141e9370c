"""Actuals from real records: adapters, ingest into DuckDB with quarantine, Ibis metrics."""
