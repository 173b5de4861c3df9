"""The person registry that every module links to instead of copying identity fields."""
