"""Reads of on-site inspection, one module per area."""
