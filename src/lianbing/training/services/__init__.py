"""Writes of the training period, one module per use case.

``secondments`` (created and superseded by finalising a match run) is
re-exported here, since matching calls it by this name.
"""

from lianbing.training.secondments import secondment_create, secondments_supersede

__all__ = ["secondment_create", "secondments_supersede"]
