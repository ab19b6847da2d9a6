using System.Globalization;

namespace ServerlessStitch.Pipeline.Editing;

/// <summary>
/// One requested latent edit, as written on the command line: <c>NAME[=STEP]</c> where NAME is a direction of the
/// model set (<c>smile=1.5</c>, <c>age=-1</c>, <c>smile</c> = its default step) or a path to a <c>.npy</c> direction
/// file (<c>dirs/pose.npy=2</c>; without a step, 1). The last '=' separates the step, so paths may contain '='.
/// </summary>
public sealed record EditSpec
{
    /// <summary>The step a direction file gets when none is given (the manifest supplies it for named edits).</summary>
    public const double DefaultFileStep = 1.0;

    private EditSpec(string name, string? directionPath, double? step)
    {
        Name = name;
        DirectionPath = directionPath;
        Step = step;
    }

    /// <summary>The direction's name in the manifest, or the file name without extension for a direction file.</summary>
    public string Name { get; }

    /// <summary>The direction file, when the edit names one instead of a manifest direction.</summary>
    public string? DirectionPath { get; }

    /// <summary>The step along the direction; <c>null</c> = the manifest's <c>default_step</c> (or <see cref="DefaultFileStep"/>).</summary>
    public double? Step { get; }

    public bool IsFile => DirectionPath is not null;

    /// <summary>A named edit (<c>EditSpec.Named("smile", 1.5)</c>).</summary>
    public static EditSpec Named(string name, double? step = null)
    {
        string text = name ?? throw new ArgumentNullException(nameof(name));
        return Parse(step is null ? text : text + "=" + step.Value.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>A direction file edit.</summary>
    public static EditSpec File(string path, double? step = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (step is { } s && !double.IsFinite(s))
        {
            throw new EditSpecException(path, s.ToString(CultureInfo.InvariantCulture), "the step must be a finite number");
        }
        return new EditSpec(Path.GetFileNameWithoutExtension(path), path, step);
    }

    /// <summary>Parses <c>NAME[=STEP]</c>; a malformed spec throws <see cref="EditSpecException"/> naming the bad part.</summary>
    public static EditSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string text = spec.Trim();
        if (text.Length == 0)
        {
            throw new EditSpecException(spec, spec, "the edit is empty; write NAME=STEP, e.g. smile=1.5");
        }

        int equals = text.LastIndexOf('=');
        string target = (equals < 0 ? text : text[..equals]).Trim();
        double? step = null;
        if (equals >= 0)
        {
            string stepText = text[(equals + 1)..].Trim();
            if (stepText.Length == 0)
            {
                throw new EditSpecException(spec, "=", "the step after '=' is missing; write NAME=STEP or just NAME for the default step");
            }
            if (!double.TryParse(stepText, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                throw new EditSpecException(spec, stepText, "the step is not a finite number");
            }
            step = value;
        }

        if (target.Length == 0)
        {
            throw new EditSpecException(spec, text, "the edit name before '=' is missing");
        }
        if (LooksLikePath(target))
        {
            return new EditSpec(Path.GetFileNameWithoutExtension(target), target, step);
        }
        if (!target.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new EditSpecException(spec, target, "an edit name has only letters, digits, '_' and '-' (or give a path to a .npy direction file)");
        }
        return new EditSpec(target, null, step);
    }

    /// <summary>Parses several specs; the first malformed one throws.</summary>
    public static IReadOnlyList<EditSpec> ParseAll(IEnumerable<string> specs) => [.. Check.NotNull(specs).Select(Parse)];

    public override string ToString()
    {
        string target = DirectionPath ?? Name;
        return Step is { } s ? $"{target}={s.ToString("R", CultureInfo.InvariantCulture)}" : target;
    }

    private static bool LooksLikePath(string target) =>
        target.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) || target.Contains('/', StringComparison.Ordinal) || target.Contains('\\', StringComparison.Ordinal);
}

/// <summary>An edit spec that cannot be parsed; <see cref="Part"/> is the offending piece of it.</summary>
public sealed class EditSpecException(string spec, string part, string problem)
    : FormatException($"Bad edit '{spec}': '{part}': {problem}.")
{
    public string Spec { get; } = spec;
    public string Part { get; } = part;
}
