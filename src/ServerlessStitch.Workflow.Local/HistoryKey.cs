using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ServerlessStitch.Workflow.Local;

/// <summary>
/// Deterministic names for an orchestration's steps: activity name + hash of its input JSON + how many times that
/// same call came before in this execution. A re-run issuing the same calls gets the same keys in any completion
/// order, so fan-outs replay without depending on which activity finished first. Sub-orchestrations are keyed by
/// their child instance id instead of their input.
/// </summary>
internal sealed class HistoryKey
{
    private readonly Dictionary<string, int> _occurrences = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public string ForActivity(string name, string inputJson)
    {
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(inputJson)))[..16];
        return Next($"a-{name}-{hash}");
    }

    public string ForEvent(string name) => Next($"e-{name}");

    /// <summary>The child's id is part of the key: two calls of one orchestration with different children are different steps.</summary>
    public string ForSubOrchestration(string name, string instanceId) => Next($"o-{name}-{instanceId}");

    private string Next(string stem)
    {
        lock (_gate)
        {
            int n = _occurrences.GetValueOrDefault(stem);
            _occurrences[stem] = n + 1;
            return string.Create(CultureInfo.InvariantCulture, $"{stem}-{n:D4}");
        }
    }
}
