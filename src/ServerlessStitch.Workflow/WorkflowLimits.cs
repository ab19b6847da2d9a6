using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessStitch.Workflow;

/// <summary>The payload rules every host enforces, and the JSON form payloads take.</summary>
public static class WorkflowLimits
{
    /// <summary>
    /// 16 KB: Durable Functions' custom-status cap, and well under its 45 KB large-message threshold (DESIGN.md §8),
    /// so payloads never spill to blobs; they hold blob references, never frames or tensors.
    /// </summary>
    public const int MaxPayloadBytes = 16 * 1024;

    /// <summary>camelCase, enums by name; compact, because payloads are measured and hashed in this form.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The payload as JSON, refused when over <see cref="MaxPayloadBytes"/>.</summary>
    public static string Serialize(object? value, string what)
    {
        string json = JsonSerializer.Serialize(value, value?.GetType() ?? typeof(object), Json);
        int bytes = System.Text.Encoding.UTF8.GetByteCount(json);
        return bytes <= MaxPayloadBytes ? json
            : throw new WorkflowPayloadTooLargeException($"{what} is {bytes} bytes of JSON; the limit is {MaxPayloadBytes}. Pass blob references, not data.");
    }

    /// <summary>The payload from JSON; JSON null gives default (an activity may take no input).</summary>
    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Json)!;
}
