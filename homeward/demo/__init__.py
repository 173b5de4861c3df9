"""The reproducible synthetic demo data set and demo accounts (`make run`)."""
