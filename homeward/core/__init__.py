"""Core: divisions, agencies, users, roles, scoping, audit, settings helpers, tick."""
