using System.Text.Json;
using ServerlessStitch.Workflow.Edit;
using ServerlessStitch.Workflow.Local;

namespace ServerlessStitch.Serve;

/// <summary>What <c>POST /api/edits</c> answers: Durable Functions' <c>HttpManagementPayload</c> for the instance.</summary>
public sealed record ManagementPayload(
    string Id, Uri StatusQueryGetUri, Uri SendEventPostUri, Uri TerminatePostUri, Uri PurgeHistoryDeleteUri);

/// <summary>
/// Durable Functions' instance status resource. <see cref="Output"/> holds the result's download URIs when
/// Completed, and the failure reason (<c>{"error": …}</c>) when Failed or Terminated.
/// </summary>
public sealed record StatusPayload(
    string Name, string InstanceId, string RuntimeStatus, JsonElement? Input, JsonElement? CustomStatus, JsonElement? Output,
    DateTimeOffset CreatedTime, DateTimeOffset LastUpdatedTime);

/// <summary>The download URIs of a completed edit (each served by <c>GET /api/edits/{id}/files/{file}</c>).</summary>
public sealed record EditOutputUris(Uri Output, Uri Compare, Uri Preview, Uri Report);

/// <summary>Builds the management and status payloads, with absolute URIs under the request's own origin.</summary>
internal static class ManagementPayloads
{
    public const string EventNamePlaceholder = "{eventName}";

    /// <summary>The files a completed job exposes, by the name in its URI.</summary>
    public static IReadOnlyList<string> Files { get; } = ["output.mp4", "compare.mp4", "preview.png", "report.json"];

    public static Uri StatusUri(Uri origin, string id) => new(origin, $"api/edits/{Uri.EscapeDataString(id)}");

    public static ManagementPayload For(Uri origin, string id)
    {
        string status = StatusUri(origin, id).AbsoluteUri;
        return new ManagementPayload(id, new Uri(status),
            new Uri($"{status}/raiseEvent/{EventNamePlaceholder}"),
            new Uri($"{status}/terminate?reason={{text}}"),
            new Uri(status));
    }

    public static StatusPayload Status(Uri origin, WorkflowStatus status)
    {
        JsonElement? output = status.RuntimeStatus switch
        {
            WorkflowRuntimeStatus.Completed when status.ReadOutput<EditOutput>() is not null => JsonSerializer.SerializeToElement(Outputs(origin, status.InstanceId), ErrorResponses.Json),
            WorkflowRuntimeStatus.Failed or WorkflowRuntimeStatus.Terminated => JsonSerializer.SerializeToElement(new { error = status.FailureReason }, ErrorResponses.Json),
            _ => status.Output,
        };
        return new StatusPayload(status.Name, status.InstanceId, status.RuntimeStatus.ToString(), status.Input, status.CustomStatus, output,
            status.CreatedTime, status.LastUpdatedTime);
    }

    public static EditOutputUris Outputs(Uri origin, string id)
    {
        string files = StatusUri(origin, id).AbsoluteUri + "/files/";
        return new EditOutputUris(new Uri(files + Files[0]), new Uri(files + Files[1]), new Uri(files + Files[2]), new Uri(files + Files[3]));
    }
}
