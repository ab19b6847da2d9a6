// The Event Grid subscription that feeds the Functions blob trigger (Source = EventGrid) with BlobCreated events of one
// container. Its webhook needs the app's blobs_extension system key, which exists only after the app's code (with the
// blob extension) has started once: deploy this after `azd deploy` (infra/hooks/postdeploy.sh does it with az instead).
param systemTopicName string
param functionAppName string
param functionName string
param container string

resource topic 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' existing = {
  name: systemTopicName
}

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

var blobsKey = listKeys('${app.id}/host/default', '2024-04-01').systemKeys.blobs_extension

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2024-06-01-preview' = {
  parent: topic
  name: 'blobs-${container}'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${app.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${blobsKey}'
      }
    }
    filter: {
      includedEventTypes: [ 'Microsoft.Storage.BlobCreated' ]
      subjectBeginsWith: '/blobServices/default/containers/${container}/'
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}
