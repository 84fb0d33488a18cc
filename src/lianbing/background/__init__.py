"""What every piece of work run by the background worker records for its page."""
