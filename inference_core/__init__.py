"""RemoteReasoner engine: raster -> plan -> reason -> segment -> vectorise -> merge -> sink.

Layers, each importing only those before it: `contract` (standard library only; the one package the
QGIS plugin imports) -> `common` -> `raster` -> `geometry` -> `models` -> `run` -> `service`, `cli`,
`evaluate`. See docs/ARCHITECTURE.md.
"""

__version__ = "0.1.0"
