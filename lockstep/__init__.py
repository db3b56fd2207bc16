"""Lockstep: secure cross-border cybercrime cooperation for police agencies."""

__version__ = "0.1.0"
