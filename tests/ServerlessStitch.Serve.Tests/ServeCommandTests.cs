using System.Diagnostics;

namespace ServerlessStitch.Serve.Tests;

/// <summary>`stitch serve` as the real process, and the options check behind it.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public void Validate_NoKeyAndNotInsecure_ThrowsNamingBothWays()
    {
        var e = Assert.Throws<ServeConfigurationException>(() => new ServeOptions().Validate());

        Assert.Contains("STITCH_API_KEY", e.Message, StringComparison.Ordinal);
        Assert.Contains("--insecure-no-auth", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InsecureWithoutKey_Passes() => new ServeOptions { AllowAnonymous = true }.Validate();

    [Fact]
    public async Task Serve_NoKeyConfigured_ExitsWith2AndSaysHowToFixIt()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "stitch.dll"), "serve", "--port", "0", "--data", Path.GetTempPath() })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("STITCH_API_KEY");
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("stitch serve: No API key is configured", await stderr, StringComparison.Ordinal);
    }
}
