"""One question over a mosaic of rasters (a folder, glob, VRT or tile index), split in parts and run on Ray."""
