namespace ServerlessStitch.Torch.Tests;

internal static class Assertions
{
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance})");
        }
    }

    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance})");
        }
    }
}
