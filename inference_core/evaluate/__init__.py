"""Evaluation: the paper's metrics (gIoU, cIoU, Pr@X, Acc@0.5) on EarthReason, RRSIS-D or a folder.

Entry points: `runner.evaluate(...)` (full pipeline per sample), `gis.compare(...)` (a result
GeoPackage against reference polygons), `cli.register(subparsers)` for the `remotereasoner` CLI.
Heavy imports stay inside the submodules.
"""
