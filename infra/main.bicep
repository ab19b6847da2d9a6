// ServerlessStitch on Azure: one storage account holding every blob and queue, a Flex Consumption Function app (the
// durable orchestration and the CPU activities), and an event-triggered Container Apps job on a GPU workload
// profile (PTI), all authenticated with one user-assigned managed identity. `azd up` provisions this (main.parameters.json).
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('azd environment name; tags every resource (azd-env-name) and seeds the resource names.')
param environmentName string

@description('Region of every resource; it must offer Flex Consumption and Container Apps serverless GPUs (README).')
param location string = resourceGroup().location

@allowed([ 'T4', 'A100' ])
@description('The PTI job\'s GPU: T4 (NC8as-T4, 16 GB) or A100 (NC24-A100, 80 GB).')
param gpuProfile string = 'T4'

@description('The PTI worker image; empty on the first provision (a public placeholder runs until azd deploys the real one).')
param ptiWorkerImage string = ''

@minValue(1)
@maxValue(20)
@description('PTI jobs running at once (each is one GPU replica).')
param ptiMaxExecutions int = 2

@minValue(600)
@maxValue(86400)
@description('Seconds one PTI execution may run before Container Apps stops it; the message is then visible again for a retry.')
param ptiReplicaTimeoutSeconds int = 7200

@minValue(1)
@maxValue(1000)
@description('Function app instances at most (Flex Consumption scale-out cap).')
param functionMaxInstances int = 20

@allowed([ 2048, 4096 ])
@description('Memory per Function app instance in MB; the CPU activities (libtorch) want 4096.')
param functionInstanceMemoryMB int = 4096

@allowed([ 'true', 'false' ])
@description('\'true\': create the Event Grid subscription for the blob trigger. Only once the app is deployed (its blobs_extension key exists); infra/hooks/postdeploy.sh does the same with az. A string because azd substitutes parameters as text.')
param deployBlobSubscription string = 'false'

@description('The deploying user (azd sets AZURE_PRINCIPAL_ID): granted blob and queue data access so the post-provision hook can push the model set; empty = none.')
param principalId string = ''

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var gpuProfiles = {
  T4: { type: 'Consumption-GPU-NC8as-T4', cpu: 8, memory: '56Gi' }
  A100: { type: 'Consumption-GPU-NC24-A100', cpu: 24, memory: '220Gi' }
}
var gpu = gpuProfiles[gpuProfile]
var containers = [ 'videos-in', 'videos-out', 'videos-failed', 'stitch-jobs', 'models', 'deployment-package' ]
var queues = [ 'stitch-pti', 'stitch-pti-done', 'stitch-pti-poison' ]
var functionAppName = 'func-${token}'
var placeholderImage = 'mcr.microsoft.com/k8se/quickstart-jobs:latest'

// Built-in role definition ids (Azure RBAC built-in roles).
var roles = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Flex deployment container + blob triggers' receipts
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  queueDataMessageProcessor: '8a0f0c08-91a1-4084-bc3d-661d67233fed'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Durable Functions' history and instances tables
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${token}'
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${token}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    // Identity only: no account keys are handed out (the Functions host, the worker and the scale rule use the identity).
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for name in containers: {
  parent: blobService
  name: name
  properties: { publicAccess: 'None' }
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource storageQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for name in queues: {
  parent: queueService
  name: name
}]

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [ roles.blobDataOwner, roles.queueDataContributor, roles.queueDataMessageProcessor, roles.tableDataContributor ]: {
  scope: storage
  name: guid(storage.id, identity.id, role)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

// Shared keys are off, so the user who runs `azd up` needs data roles of their own to upload the model set.
resource userStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in (empty(principalId) ? [] : [ roles.blobDataOwner, roles.queueDataContributor ]): {
  scope: storage
  name: guid(storage.id, principalId, role)
  properties: {
    principalId: principalId
    principalType: 'User'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${token}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${token}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    // Telemetry is sent with the identity (Monitoring Metrics Publisher), not the instrumentation key alone.
    DisableLocalAuth: true
  }
}

resource insightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: insights
  name: guid(insights.id, identity.id, roles.monitoringMetricsPublisher)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${token}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}deployment-package'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: functionMaxInstances
        instanceMemoryMB: functionInstanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        // Identity-based host storage (DESIGN.md §8); the same setting feeds StorageSettings in Program.cs.
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
        { name: 'STITCH_TASK_HUB', value: 'stitch' }
        { name: 'STITCH_PTI_DISPATCH', value: 'queue' }
        { name: 'STITCH_PTI_TIMEOUT', value: '03:00:00' }
        { name: 'STITCH_STITCH_BATCH_CHUNKS', value: '0' }
        { name: 'STITCH_MODELS_CONTAINER', value: 'models' }
        { name: 'STITCH_DROP_EDITS', value: 'smile' }
      ]
    }
  }
  dependsOn: [ storageRoles, blobContainers ]
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'cr${token}'
  location: location
  tags: tags
  sku: { name: 'Basic' }
  properties: { adminUserEnabled: false }
}

resource registryRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: registry
  name: guid(registry.id, identity.id, roles.acrPull)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
  }
}

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: 'cae-${token}'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      { name: 'Consumption', workloadProfileType: 'Consumption' }
      { name: 'gpu', workloadProfileType: gpu.type }
    ]
  }
}

resource ptiJob 'Microsoft.App/jobs@2025-01-01' = {
  name: 'job-pti-${token}'
  location: location
  tags: union(tags, { 'azd-service-name': 'pti-worker' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'gpu'
    configuration: {
      triggerType: 'Event'
      replicaTimeout: ptiReplicaTimeoutSeconds
      // The worker itself retries a work item (STITCH_PTI_MAX_ATTEMPTS) through the queue; a crashed replica is retried once.
      replicaRetryLimit: 1
      registries: [ { server: registry.properties.loginServer, identity: identity.id } ]
      eventTriggerConfig: {
        parallelism: 1
        replicaCompletionCount: 1
        scale: {
          minExecutions: 0
          maxExecutions: ptiMaxExecutions
          pollingInterval: 30
          rules: [
            {
              name: 'pti-queue'
              type: 'azure-queue'
              metadata: {
                accountName: storage.name
                queueName: 'stitch-pti'
                queueLength: '1'
              }
              identity: identity.id
            }
          ]
        }
      }
    }
    template: {
      containers: [
        {
          name: 'pti-worker'
          image: empty(ptiWorkerImage) ? placeholderImage : ptiWorkerImage
          resources: { cpu: gpu.cpu, memory: gpu.memory }
          env: [
            { name: 'STITCH_STORAGE__accountName', value: storage.name }
            { name: 'STITCH_STORAGE__credential', value: 'managedidentity' }
            { name: 'STITCH_STORAGE__clientId', value: identity.properties.clientId }
            { name: 'STITCH_MODELS_CONTAINER', value: 'models' }
            { name: 'STITCH_WORKER_MODE', value: 'job' }
            { name: 'STITCH_DEVICE', value: 'cuda' }
            { name: 'STITCH_PTI_VISIBILITY', value: '00:05:00' }
            { name: 'STITCH_PTI_MAX_ATTEMPTS', value: '5' }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
          ]
        }
      ]
    }
  }
  dependsOn: [ registryRole, storageRoles ]
}

resource blobEvents 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' = {
  name: 'evgt-${token}'
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

module blobSubscription 'modules/blob-subscription.bicep' = if (deployBlobSubscription == 'true') {
  name: 'blob-subscription'
  params: {
    systemTopicName: blobEvents.name
    functionAppName: functionApp.name
    functionName: 'EditDroppedVideo'
    container: 'videos-in'
  }
}

// Read by azd (azd env get-values) and the hooks.
output AZURE_LOCATION string = location
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.properties.loginServer
output AZURE_STORAGE_ACCOUNT string = storage.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.properties.primaryEndpoints.blob
output AZURE_FUNCTION_APP_NAME string = functionApp.name
output AZURE_PTI_JOB_NAME string = ptiJob.name
output AZURE_EVENTGRID_TOPIC string = blobEvents.name
output AZURE_RESOURCE_GROUP string = resourceGroup().name
