#!/usr/bin/env bash
# Runs `stitch serve` on a fresh filesystem store and shows the HTTP exchanges that
# src/ServerlessStitch.Serve/README.md quotes: 401 without the key, a start (202), the status while running
# (202) and when done (200), a duplicate start, a 400. Uses a 12-frame clip of samples/calm.mp4 and the reduced
# knobs of the tests (chunks of 5, 6 PTI passes, 30 stitching iterations). Needs a Release build of the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'cd /; kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
port=${PORT:-7181}
base="http://127.0.0.1:$port"
if curl -s -o /dev/null "$base/health"; then echo "serve_demo: something already listens on port $port (set PORT)" >&2; exit 1; fi
ffmpeg -v error -y -i samples/calm.mp4 -t 0.48 -c:v libx264 -preset ultrafast -crf 12 -pix_fmt yuv420p -c:a aac "$work/clip.mp4"

STITCH_API_KEY=demo-key dotnet src/ServerlessStitch.Cli/bin/Release/net10.0/stitch.dll serve --port "$port" --data "$work/store" \
  --chunk-size 5 --pti-passes 6 --stitching-iterations 30 --no-blob-drop > "$work/server.log" 2>&1 &
server=$!
until curl -sf "$base/health" > /dev/null; do sleep 0.5; done
cd "$work"   # so the commands shown read @clip.mp4

show() { echo "\$ $1"; eval "$1"; echo; echo; }
show "curl -s -i $base/health"
show "curl -s -i $base/api/edits/0123456789abcdef0123"
show "curl -s -i -H 'x-functions-key: demo-key' -H 'content-type: video/mp4' --data-binary @clip.mp4 '$base/api/edits?edit=frown'"
start=$(curl -s -D "$work/start.headers" -H 'x-functions-key: demo-key' -H 'content-type: video/mp4' --data-binary @clip.mp4 "$base/api/edits?edit=smile")
echo "\$ curl -s -i -H 'x-functions-key: demo-key' -H 'content-type: video/mp4' --data-binary @clip.mp4 '$base/api/edits?edit=smile'"
cat "$work/start.headers"; echo "$start"; echo; echo
status=$(echo "$start" | python3 -c 'import json,sys; print(json.load(sys.stdin)["statusQueryGetUri"])')
sleep 5
show "curl -s -i -H 'x-functions-key: demo-key' $status"
began=$(date +%s)
while [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'x-functions-key: demo-key' "$status")" = 202 ]; do sleep 2; done
echo "(done after about $(( $(date +%s) - began + 5 )) s)"
show "curl -s -i -H 'x-functions-key: demo-key' $status"
show "curl -s -o /dev/null -w '%{http_code} %{content_type} %{size_download} bytes\n' -H 'x-functions-key: demo-key' $status/files/output.mp4"
show "curl -s -i -H 'x-functions-key: demo-key' -H 'content-type: video/mp4' --data-binary @clip.mp4 '$base/api/edits?edit=smile'"
