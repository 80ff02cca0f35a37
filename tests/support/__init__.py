"""Helpers shared by both test suites (engine venv and QGIS venv): standard library only."""
