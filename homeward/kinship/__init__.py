"""DNA kinship likelihood engine (Django-free).

The engine itself is built under issue 3; this package exists now so that the
import-linter contract keeping it free of Django is in force from the start.
"""
