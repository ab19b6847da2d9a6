#!/bin/sh
# The PTI worker image without azd's containerapp target (for azd versions that cannot deploy to a Container Apps
# job): build it in the registry (no local Docker needed) and point the job at it. Needs the az CLI, signed in.
set -eu
cd "$(dirname "$0")/../.."
: "${AZURE_CONTAINER_REGISTRY_ENDPOINT:?run after azd provision (azd env get-values)}" "${AZURE_RESOURCE_GROUP:?}" "${AZURE_PTI_JOB_NAME:?}"
image="$AZURE_CONTAINER_REGISTRY_ENDPOINT/stitch-gpu-worker:$(git rev-parse --short HEAD)"
az acr build --registry "${AZURE_CONTAINER_REGISTRY_ENDPOINT%%.*}" --image "${image#*/}" --file infra/worker/Dockerfile .
az containerapp job update -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_PTI_JOB_NAME" --image "$image" --output none
echo "PTI job $AZURE_PTI_JOB_NAME now runs $image"
