using ServerlessStitch.Models;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using static ServerlessStitch.Torch.torch.jit;

namespace ServerlessStitch.Pipeline.Metrics;

/// <summary>
/// Edit strength through the manifest's attribute model (<c>forward(x)</c> → scores <c>[N, A]</c> in the order of
/// the manifest's <c>names</c>): how far an edit moved an attribute, as a fraction of that attribute's range
/// (issue 5: the default smile edit must move it by ≥ 0.5 of its range).
/// </summary>
public sealed class AttributeScorer
{
    private readonly ScriptModule _attributes;
    private readonly AttributeModel _contract;

    public AttributeScorer(ScriptModule attributes, AttributeModel contract)
    {
        _attributes = Check.NotNull(attributes);
        _contract = Check.NotNull(contract);
    }

    public IReadOnlyList<string> Names => _contract.Names;

    /// <summary>Scores <c>[N, A]</c> of aligned crops in [-1, 1] (a new tensor the caller owns).</summary>
    public Tensor Score(Tensor crops)
    {
        Check.NotNull(crops);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor scores = _attributes.forward(ModelInput.Resized(crops, _contract.InputResolution, "attributes"));
        if (scores.dim() != 2 || scores.size(0) != crops.size(0) || scores.size(1) != _contract.Names.Count)
        {
            throw new InvalidOperationException($"The attribute model returned [{string.Join(", ", scores.shape)}]; the manifest names {_contract.Names.Count} attributes, so [N, {_contract.Names.Count}] was expected.");
        }
        return scores.MoveToOuterDisposeScope();
    }

    /// <summary>The score of <paramref name="attribute"/> for each crop.</summary>
    public double[] Score(Tensor crops, string attribute)
    {
        int index = IndexOf(attribute);
        using Tensor scores = Score(crops);
        using Tensor column = scores.select(1, index).to(float64);
        return column.data<double>();
    }

    /// <summary>
    /// Mean over frames of (score(after) − score(before)) / (range max − range min) for <paramref name="attribute"/>:
    /// +0.5 = the edit moved the attribute up by half its range.
    /// </summary>
    public double Change(Tensor before, Tensor after, string attribute)
    {
        Check.NotNull(before);
        Check.NotNull(after);
        if (before.size(0) != after.size(0))
        {
            throw new ArgumentException($"Attribute change pairs crops one to one; got {before.size(0)} and {after.size(0)}.");
        }
        double[] a = Score(before, attribute), b = Score(after, attribute);
        double width = RangeOf(attribute);
        return a.Zip(b, (x, y) => (y - x) / width).Average();
    }

    private double RangeOf(string attribute)
    {
        if (!_contract.Ranges.TryGetValue(attribute, out double[]? range) || range.Length != 2 || !(range[1] > range[0]))
        {
            throw new InvalidOperationException($"The manifest gives attribute '{attribute}' no range [min, max] with max > min.");
        }
        return range[1] - range[0];
    }

    private int IndexOf(string attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        int index = _contract.Names.ToList().IndexOf(attribute);
        return index >= 0
            ? index
            : throw new ArgumentException($"Unknown attribute '{attribute}'. The attribute model scores: {string.Join(", ", _contract.Names)}.", nameof(attribute));
    }
}
