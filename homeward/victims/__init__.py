"""Victims (rules chapter 四): rescue and hand-over, placement, services, the case plan
and follow-up, return to family or safe transfer, the 3-month household-registration
duty, and the legal-aid green channel. Modelled on UNICEF Primero's case management."""
