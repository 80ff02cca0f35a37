"""Rasters in, pixels out: open a raster and its extent, plan the views, map pixel boxes to map coordinates."""
