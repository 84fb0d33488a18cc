"""Writes of on-site inspection, one module per use case."""
