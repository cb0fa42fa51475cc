#!/usr/bin/env bash
# Render the synthetic report (tests/factories_report.py) and screenshot it with
# headless Chromium, to look at the page the way a lifter would.
# Usage: scripts/screenshot_report.sh [reps=5] [view=side|oblique|none] [out=report.png] [width=1280] [height=2400]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
reps="${1:-5}"
view="${2:-side}"
png="${3:-report.png}"
width="${4:-1280}"
height="${5:-2400}"
python="${PYTHON:-$here/.venv/bin/python}"
html="${png%.png}.html"
"$python" - "$here" "$reps" "$view" "$html" <<'PY'
import sys
from pathlib import Path

root, reps, view, html = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
sys.path.insert(0, root)  # the checkout, for the tests package
from tests.factories_report import make_analysis_result

from hingecam.core.datatypes import View
from hingecam.report.html import render_html

if view == "none":
    result = make_analysis_result(0, person=False, name="empty_room.mp4")
else:
    result = make_analysis_result(reps, view=View(view))
Path(html).write_text(render_html(result), encoding="utf-8")
print(html)
PY
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome)"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" --screenshot="$png" \
  --window-size="${width},${height}" "file://$html" 2>/dev/null
echo "$png"
