#!/bin/sh
# azd postdeploy: subscribe the blob trigger (EditDroppedVideo, Source = EventGrid) to BlobCreated events of videos-in.
# The webhook needs the app's blobs_extension system key, which exists only once the deployed code has started,
# which is why this is not in the first provision (infra/modules/blob-subscription.bicep is the declarative form:
# `azd env set STITCH_BLOB_SUBSCRIPTION true && azd provision` after a deploy). Needs the az CLI, signed in.
set -eu
: "${AZURE_FUNCTION_APP_NAME:?run through azd}" "${AZURE_RESOURCE_GROUP:?}" "${AZURE_EVENTGRID_TOPIC:?}"
key=""
for attempt in 1 2 3 4 5 6; do
  key="$(az functionapp keys list -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" --query systemKeys.blobs_extension -o tsv 2>/dev/null || true)"
  [ -n "$key" ] && break
  echo "blobs_extension key not there yet (attempt $attempt); waiting 20 s for the app to start"; sleep 20
done
[ -n "$key" ] || { echo "No blobs_extension key on $AZURE_FUNCTION_APP_NAME: is the app deployed and running?" >&2; exit 1; }
host="$(az functionapp show -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" --query defaultHostName -o tsv)"
az eventgrid system-topic event-subscription create \
  --name blobs-videos-in -g "$AZURE_RESOURCE_GROUP" --system-topic-name "$AZURE_EVENTGRID_TOPIC" \
  --endpoint-type webhook \
  --endpoint "https://$host/runtime/webhooks/blobs?functionName=Host.Functions.EditDroppedVideo&code=$key" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with /blobServices/default/containers/videos-in/ \
  --output none
echo "Event Grid now delivers videos-in uploads to $AZURE_FUNCTION_APP_NAME"
