"""Forms of the training period, one module per area."""
