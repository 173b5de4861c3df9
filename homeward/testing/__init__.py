"""Test support: factories and persona fixtures shared by every app's tests."""
