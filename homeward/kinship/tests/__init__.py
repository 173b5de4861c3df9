"""Tests for homeward.kinship."""
