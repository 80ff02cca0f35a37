"""RemoteReasoner engine: raster -> plan -> reason -> segment -> vectorise -> merge -> sink.

Imports nothing heavy: the QGIS process imports `inference_core.protocol`, `.client` and
`.options`, which are standard-library only (DESIGN §2).
"""

__version__ = "0.1.0"
