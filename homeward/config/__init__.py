"""Configuration helpers: typed environment parsers and the database chooser."""
