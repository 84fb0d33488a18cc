"""Data sets for tests: calibration cases and the like."""
