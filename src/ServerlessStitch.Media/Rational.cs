using System.Globalization;

namespace ServerlessStitch.Media;

/// <summary>
/// An exact frame rate such as 30000/1001. Kept as a fraction because NTSC rates are not
/// representable as doubles and a rounded rate drifts by a frame every few minutes.
/// </summary>
public readonly record struct Rational
{
    // Without this, System.Text.Json fills a struct through its implicit parameterless constructor: 0/0 read back.
    [System.Text.Json.Serialization.JsonConstructor]
    public Rational(long numerator, long denominator)
    {
        if (denominator <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(denominator), denominator, "Must be positive.");
        }

        var divisor = Gcd(Math.Abs(numerator), denominator);
        Numerator = divisor == 0 ? 0 : numerator / divisor;
        Denominator = divisor == 0 ? 1 : denominator / divisor;
    }

    public long Numerator { get; }

    public long Denominator { get; }

    public bool IsPositive => Numerator > 0;

    /// <summary>Seconds from the start to the given frame at this rate.</summary>
    public double SecondsAt(double frame) => frame * Denominator / Numerator;

    /// <summary>Parses ffprobe's "num/den" form; "0/0" and malformed text give null.</summary>
    public static Rational? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var parts = text.Split('/');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var numerator)
            || !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var denominator)
            || denominator <= 0)
        {
            return null;
        }

        return new Rational(numerator, denominator);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Numerator}/{Denominator}");

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
