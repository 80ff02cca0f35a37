"""Vector geometry: box arithmetic, masks to polygons, duplicate boxes across tiles, mask pieces joined across seams."""
