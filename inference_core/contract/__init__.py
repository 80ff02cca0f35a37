"""The contract between the QGIS plugin and the engine: standard library only.

The one package the plugin imports from the engine: run options and every default, the worker protocol
and its client, the output schema, the model catalog and model states, the OpenAI HTTP transport and
the engine set-up. Nothing here imports numpy, torch, GDAL or anything outside the standard library.
"""
