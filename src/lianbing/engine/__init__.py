"""The pure computational core of Lianbing.

Nothing in this package imports Django or any application module; an
import-linter contract in ``pyproject.toml`` enforces it. Inputs and outputs
are plain values and frozen dataclasses.
"""
