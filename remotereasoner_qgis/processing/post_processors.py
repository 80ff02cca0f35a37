"""Post-processors for the outputs Processing loads into the project: a new one per output of every run."""

from __future__ import annotations

from qgis.PyQt import sip

_held: list = []


def handed_over(processor):
    """`processor`, held for QGIS. The processing context owns the post-processors set on its layer details and
    deletes them with itself, so one object must never serve a second run (it would be a deleted C++ object
    then); the Python side keeps each new one referenced until QGIS has deleted it."""
    _held[:] = [p for p in _held if not sip.isdeleted(p)]
    _held.append(processor)
    return processor
