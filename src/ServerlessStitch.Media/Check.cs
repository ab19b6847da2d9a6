using System.Runtime.CompilerServices;

namespace ServerlessStitch.Media;

/// <summary>Guard clauses that name the offending argument through <see cref="CallerArgumentExpressionAttribute"/>.</summary>
internal static class Check
{
    public static T NotNull<T>(T? value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where T : class
        => value ?? throw new ArgumentNullException(name);

    public static string NotEmpty(string? value, [CallerArgumentExpression(nameof(value))] string? name = null)
        => string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("Must not be empty.", name) : value;

    public static int Positive(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
        => value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, "Must be positive.");

    public static int NotNegative(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
        => value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, "Must not be negative.");
}
