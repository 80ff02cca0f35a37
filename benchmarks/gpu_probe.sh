#!/usr/bin/env bash
# The one prepared GPU command for issue 11: an engine venv over the GPU machine's CUDA torch plus the
# pinned engine wheels carried from here, then benchmarks/gpu_probe.py; results land in $OUT.
#
#   here, once (CPU side, local package mirror):  bash benchmarks/gpu_probe.sh wheels
#   on the GPU (device tool):  run(command="bash benchmarks/gpu_probe.sh", carry=["build/gpu-probe-wheels"], timeout_s=540)
#   back here:  cp <files_at>/gpu_probe_*.json benchmarks/ && python benchmarks/gpu_probe.py --render
#
# The GPU machine reaches no package index, and torch (GBs) cannot travel, so the venv inherits the
# machine's CUDA torch (--system-site-packages) and installs the engine's own pins of everything the
# probe imports that the image lacks or holds at another version (transformers, SAM, rasterio, shapely).
set -euo pipefail
cd "$(dirname "$0")/.."
WHEELS=build/gpu-probe-wheels
REQ=requirements-engine.txt
PKGS="transformers segment-anything rasterio affine cligj click-plugins shapely"

pin() { grep -i "^$1==" "$REQ" || { echo "gpu_probe.sh: $1 is not pinned in $REQ" >&2; exit 2; }; }

if [ "${1:-}" = wheels ]; then
    mkdir -p "$WHEELS"
    # cp312 manylinux wheels: the GPU image's python3 is 3.12 on x86-64
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        -d "$WHEELS" $(for p in $PKGS; do pin "$p"; done)
    du -sh "$WHEELS"
    exit 0
fi

OUT=${OUT:-build/gpu-probe-out}
mkdir -p "$OUT"
ls "$WHEELS"/*.whl >/dev/null 2>&1 || { echo "gpu_probe.sh: no wheels in $WHEELS: run 'bash benchmarks/gpu_probe.sh wheels' here and carry $WHEELS" >&2; exit 2; }
VENV=/tmp/rr-probe-venv
python3 -m venv --system-site-packages "$VENV"
"$VENV/bin/python" -m pip install -q --no-index --no-deps --no-compile "$WHEELS"/*.whl
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv > "$OUT/nvidia-smi.csv" || true
export PYTHONPATH="$PWD" PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
"$VENV/bin/python" -c "import torch, transformers, segment_anything, rasterio; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'transformers', transformers.__version__)"
# 7 minutes at most for the probe itself, so the whole command fits the 8-minute device slot
set +e
timeout 420 "$VENV/bin/python" benchmarks/gpu_probe.py --out-dir "$OUT" 2>&1 | tee "$OUT/probe.log"
rc=${PIPESTATUS[0]}
exit "$rc"
