"""练兵台 (Lianbing): person-post matching, training and growth evaluation."""

__version__ = "0.1.0"
