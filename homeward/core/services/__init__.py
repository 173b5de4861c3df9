"""Every state change of the core app goes through a service here."""
