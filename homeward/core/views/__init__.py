"""Views of the core app: sign-in and account, the portal home, places, health."""
