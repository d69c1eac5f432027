#!/usr/bin/env bash
# Review pictures of a built site, for comparing two builds side by side (the reporting-cadence
# work: false zeros, catch-up spikes, "not reporting"). Writes six PNGs with stable names:
#
#   counties-2022-06-16.png   US counties, new cases per day, GIF frame of 2022-06-16
#   states-last.png           US states, new cases per day, poster (last frame)
#   canada-2022-04-14.png     Canada, new cases per day, GIF frame of 2022-04-14
#   world-deaths-last.png     World, new deaths per day, poster (last frame)
#   broward-new-cases.png     Broward County FL, main chart (new cases and deaths), 760 px wide
#   ontario-new-cases.png     Ontario (Canada), main chart (new cases and deaths), 760 px wide
#
#   scripts/review-shots.sh OUTPUT_DIR DEST
#
# Needs Python 3 with Pillow (pip install pillow) and rsvg-convert (apt-get install
# librsvg2-bin) or, failing that, chromium (apt-get install chromium).
# A GIF frame is found by its date in the map hover value files
# (heatmaps/<scope>/hover/<set>-<chunk>.js, chunk 0 = last frames) and is composited
# (frames after the first are partial, with transparency).
set -euo pipefail
out=${1:?usage: review-shots.sh OUTPUT_DIR DEST}
dest=${2:?usage: review-shots.sh OUTPUT_DIR DEST}
mkdir -p "$dest"

python3 - "$out" "$dest" <<'PY'
import json, os, re, sys
from PIL import Image, ImageSequence

out, dest = sys.argv[1], sys.argv[2]

def frame_dates(scope, set_name):
    hdir = os.path.join(out, "heatmaps", scope, "hover")
    chunks = []
    for name in os.listdir(hdir):
        m = re.fullmatch(re.escape(set_name) + r"-(\d+)\.js", name)
        if m:
            chunks.append(int(m.group(1)))
    dates = []
    for c in sorted(chunks, reverse=True):  # chunk 0 holds the last frames
        t = open(os.path.join(hdir, f"{set_name}-{c}.js"), encoding="utf-8").read()
        dates += json.loads(t[t.index("(") + 1 : t.rindex(")")])["dates"]
    return dates

def gif_frame(scope, set_name, date, name):
    dates = frame_dates(scope, set_name)
    gif = os.path.join(out, "heatmaps", scope, f"{set_name}-lin.gif")
    im = Image.open(gif)
    n = getattr(im, "n_frames", 1)
    if n != len(dates):
        sys.exit(f"{gif}: {n} frames but {len(dates)} dates in the hover files")
    k = dates.index(date)
    # Composite every frame in turn with its disposal, rather than trusting seek() alone.
    canvas = None
    for i, fr in enumerate(ImageSequence.Iterator(im)):
        rgba = fr.convert("RGBA")
        if canvas is None:
            canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        prev = canvas.copy()
        box = fr.dispose_extent if hasattr(fr, "dispose_extent") else None
        canvas.alpha_composite(rgba)
        if i == k:
            break
        disposal = getattr(fr, "disposal_method", 0)
        if disposal == 2 and box:  # restore to background
            canvas.paste((255, 255, 255, 255), box)
        elif disposal == 3:  # restore to previous
            canvas = prev
    canvas.convert("RGB").save(os.path.join(dest, name))
    print(f"{name}: frame {k + 1} of {n} ({date}) from {gif}")

def poster(scope, set_name, name):
    src = os.path.join(out, "heatmaps", scope, f"{set_name}-lin.png")
    Image.open(src).convert("RGB").save(os.path.join(dest, name))
    print(f"{name}: {src} (last frame {frame_dates(scope, set_name)[-1]})")

gif_frame("us-counties", "confirmed-new-abs", "2022-06-16", "counties-2022-06-16.png")
poster("us-states", "confirmed-new-abs", "states-last.png")
gif_frame("canada", "confirmed-new-abs", "2022-04-14", "canada-2022-04-14.png")
poster("world", "deaths-new-abs", "world-deaths-last.png")
PY

chart() {  # region id, PNG name
    local svg="$out/regions/img/$1-daily.svg" png="$dest/$2"
    [ -f "$svg" ] || { echo "missing $svg" >&2; exit 1; }
    if command -v rsvg-convert >/dev/null; then
        rsvg-convert -w 720 -b white -o "$png" "$svg"
    else
        local html
        html=$(mktemp --suffix=.html)
        printf '<html><body style="margin:0;background:#fff"><img src="file://%s" width="720"></body></html>' \
            "$(realpath "$svg")" >"$html"
        chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$png" \
            --window-size=720,"$(python3 -c "import re,sys;t=open(sys.argv[1]).read(1000);w,h=re.search(r'viewBox=\"0 0 ([\d.]+) ([\d.]+)\"',t).groups();print(round(720*float(h)/float(w)))" "$svg")" \
            "file://$html" 2>/dev/null
        rm -f "$html"
    fi
    echo "$2: $svg"
}
# Ids from data/regions.json: Broward, Florida, US and Ontario, Canada (the province).
python3 - "$out" <<'PY'
import json, sys
ids = {r["id"] for r in json.load(open(sys.argv[1] + "/data/regions.json"))}
for i in ("us--florida--broward", "canada--ontario"):
    if i not in ids:
        sys.exit(f"{i} not in data/regions.json")
PY
chart us--florida--broward broward-new-cases.png
chart canada--ontario ontario-new-cases.png
