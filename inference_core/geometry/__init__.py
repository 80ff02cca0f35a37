"""Vector geometry: masks to polygons, duplicate boxes across tiles, mask pieces joined across seams."""
