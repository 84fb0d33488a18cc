"""Helpers of the year-long journey test (tests/browser/test_program_year.py)."""
