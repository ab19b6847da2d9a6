using System.Runtime.CompilerServices;

namespace ServerlessStitch.Pipeline;

/// <summary>Guard clauses that name the offending argument through <see cref="CallerArgumentExpressionAttribute"/>.</summary>
internal static class Check
{
    public static T NotNull<T>(T? value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where T : class
        => value ?? throw new ArgumentNullException(name);

    public static int Positive(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
        => value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, "Must be positive.");

    public static int NotNegative(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
        => value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, "Must not be negative.");

    public static double NotNegative(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
        => value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, "Must be finite and not negative.");

    public static double PositiveFinite(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
        => value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, "Must be finite and positive.");
}
