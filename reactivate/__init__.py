"""reactivate: turn a practice's stalled leads into booked patients."""

__version__ = "0.1.0"
