using System.Globalization;

namespace ServerlessStitch.Torch;

/// <summary>Device kinds; the values are libtorch's (c10::DeviceType).</summary>
public enum DeviceType
{
    CPU = 0,
    CUDA = 1,
}

/// <summary>A compute device, as <c>torch.device("cuda:0")</c>.</summary>
public sealed record Device(DeviceType type, int index = -1)
{
    /// <summary>Parses "cpu", "cuda" or "cuda:N".</summary>
    public static Device Parse(string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        var parts = description.Trim().ToLowerInvariant().Split(':');
        var type = parts[0] switch
        {
            "cpu" => DeviceType.CPU,
            "cuda" => DeviceType.CUDA,
            _ => throw new ArgumentException($"unknown device '{description}'; expected cpu, cuda or cuda:N", nameof(description)),
        };
        if (parts.Length == 1)
        {
            return new Device(type);
        }

        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw new ArgumentException($"malformed device '{description}'; expected cpu, cuda or cuda:N", nameof(description));
        }

        return new Device(type, index);
    }

    public override string ToString() =>
        (type == DeviceType.CPU ? "cpu" : "cuda") + (index >= 0 ? ":" + index.ToString(CultureInfo.InvariantCulture) : "");
}
