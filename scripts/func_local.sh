#!/usr/bin/env bash
# The Azure Functions app on this machine: Azurite (tools/azurite, default ports so UseDevelopmentStorage=true
# reaches it), the demo model set pushed into it, the GPU worker in service mode (polls stitch-pti), and `func start`.
# Needs Azure Functions Core Tools v4 (`func`), whose installer downloads a binary: where that cannot install, use
# `stitch serve`, which exposes the same HTTP API and blob-drop trigger on the local durable host (README).
# Azurite raises no Event Grid events, so the blob trigger (Source = EventGrid) does not fire here: start edits with
# POST /api/edits. Stop everything with Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v func >/dev/null || { echo "func (Azure Functions Core Tools v4) is not installed; see README 'Run locally with Core Tools', or run 'stitch serve'." >&2; exit 2; }
azurite="tools/azurite/node_modules/.bin/azurite"
[[ -x "$azurite" ]] || { echo "Azurite is not installed: run scripts/setup.sh (make setup)." >&2; exit 2; }
[[ -f local.settings.json ]] || { cp local.settings.sample.json local.settings.json; echo "created local.settings.json from local.settings.sample.json"; }

data="${STITCH_LOCAL_DATA:-artifacts/func-local}"
mkdir -p "$data/azurite"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

"$azurite" --silent --location "$data/azurite" --disableTelemetry --skipApiVersionCheck --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 &
pids+=($!)
for _ in $(seq 60); do (exec 3<>/dev/tcp/127.0.0.1/10000) 2>/dev/null && break; sleep 1; done

dotnet build ServerlessStitch.Local.slnf -c Release -v quiet -clp:ErrorsOnly
dotnet src/ServerlessStitch.Cli/bin/Release/net10.0/stitch.dll models push --storage UseDevelopmentStorage=true --container models --models "${STITCH_MODELS:-models/manifest.json}"

# The PTI worker (src/ServerlessStitch.GpuWorker) as a long-running process instead of a Container Apps job.
STITCH_STORAGE=UseDevelopmentStorage=true STITCH_WORKER_MODE=service STITCH_DEVICE="${STITCH_DEVICE:-auto}" \
  dotnet run --project src/ServerlessStitch.GpuWorker -c Release &
pids+=($!)

cd src/ServerlessStitch.Functions
func start
