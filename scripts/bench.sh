#!/usr/bin/env bash
# `make bench`: every benchmark, each under the interpreter it measures, results appended to
# benchmarks/RESULTS.md (machine and date in each section). Takes several minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/envpath.sh
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
E="$ENGINE_ENV/bin/python"
"$E" benchmarks/bench_tiling.py --append
"$E" benchmarks/bench_masks.py --append
"$E" benchmarks/bench_worker.py --append
"$E" benchmarks/bench_openai.py --append
"$E" benchmarks/bench_strategies.py --append
"$E" benchmarks/gpu_probe.py --tiny
QT_QPA_PLATFORM=offscreen "$QGIS_ENV/bin/python" benchmarks/bench_plugin_load.py --append
