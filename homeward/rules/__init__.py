"""Pure rules engine for the municipal anti-trafficking implementation rules (Django-free)."""
