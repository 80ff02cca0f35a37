"""One run from options to a GeoPackage: the pipeline, the sink, exports and the self-test."""
