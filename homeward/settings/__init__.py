"""Settings modules: ``embedded`` (default, `make run`), ``production``, ``test``."""
