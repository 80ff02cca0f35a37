#!/usr/bin/env bash
# Installs a packaged plugin ZIP into a QGIS profile and enables it.
# Usage: scripts/deploy.sh ZIP PROFILE_DIR   (PROFILE_DIR e.g. ~/.local/share/QGIS/QGIS3/profiles/default)
set -euo pipefail
zip=${1:?usage: deploy.sh ZIP PROFILE_DIR}
profile=${2:?usage: deploy.sh ZIP PROFILE_DIR}
PLUGIN=remotereasoner_qgis
[ -f "$zip" ] || { echo "deploy: $zip does not exist: run 'make package' first" >&2; exit 1; }
# the listing is read whole (grep -q would stop early and fail the pipe under pipefail)
listing=$(unzip -Z1 "$zip") || { echo "deploy: $zip is not a readable ZIP" >&2; exit 1; }
grep -qx "$PLUGIN/metadata.txt" <<<"$listing" || { echo "deploy: $zip is not a $PLUGIN plugin ZIP" >&2; exit 1; }

plugins="$profile/python/plugins"
mkdir -p "$plugins" "$profile/QGIS"
rm -rf "${plugins:?}/$PLUGIN"   # a clean replace: files removed upstream must not linger
unzip -q -o "$zip" -d "$plugins"

# Enable it: [PythonPlugins] remotereasoner_qgis=true in QGIS3.ini, edited line by line so the
# rest of the file (QSettings' own syntax) stays byte for byte as QGIS wrote it.
/usr/bin/python3 - "$profile/QGIS/QGIS3.ini" "$PLUGIN" <<'PY'
import os, sys
path, plugin = sys.argv[1], sys.argv[2]
lines = open(path, encoding="utf-8").read().splitlines() if os.path.exists(path) else []
entry = f"{plugin}=true"
out, section, done = [], None, False
for line in lines:
    stripped = line.strip()
    if stripped.startswith("[") and stripped.endswith("]"):
        if section == "[PythonPlugins]" and not done:
            out.append(entry); done = True
        section = stripped
    elif section == "[PythonPlugins]" and stripped.split("=", 1)[0].strip() == plugin:
        if not done:
            out.append(entry); done = True
        continue
    out.append(line)
if not done:
    if section == "[PythonPlugins]":
        out.append(entry)
    else:
        if out and out[-1].strip():
            out.append("")
        out += ["[PythonPlugins]", entry]
with open(path, "w", encoding="utf-8") as fh:
    fh.write("\n".join(out) + "\n")
PY
echo "deploy: $PLUGIN installed in $plugins and enabled in $profile/QGIS/QGIS3.ini"
