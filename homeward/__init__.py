"""Homeward (回家): the information platform for Chongqing's anti-trafficking work."""

from homeward.celery import app as celery_app

__all__ = ["celery_app"]
