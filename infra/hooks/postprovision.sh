#!/bin/sh
# azd postprovision: upload the model set to the storage account's models container with `stitch models push`
# (sha256-checked; files already there are skipped). STITCH_MODELS picks another set (e.g. real converted weights,
# models/README.md); the default is the demo set of this checkout. Signs in with your az/azd login (Azure.Identity).
set -eu
cd "$(dirname "$0")/../.."
: "${AZURE_STORAGE_BLOB_ENDPOINT:?run through azd (azd provision), which sets the outputs of infra/main.bicep}"
models="${STITCH_MODELS:-models/manifest.json}"
echo "Pushing model set $models to ${AZURE_STORAGE_BLOB_ENDPOINT}models"
# Role assignments can take a minute to apply after provisioning: retry a few times.
for attempt in 1 2 3 4 5; do
  if dotnet run --project src/ServerlessStitch.Cli -c Release -- models push \
       --storage "$AZURE_STORAGE_BLOB_ENDPOINT" --container models --models "$models"; then
    exit 0
  fi
  echo "push failed (attempt $attempt); waiting 30 s for the role assignments"; sleep 30
done
exit 1
