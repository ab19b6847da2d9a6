using System.Globalization;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Torch;

/// <summary>What <see cref="TorchSmoke.Run"/> measured.</summary>
public sealed record TorchSmokeResult(string Version, Device Device, int Threads, double InitialLoss, double FinalLoss, double Slope, double Intercept);

/// <summary>
/// A one-screen check that the binding works on this machine: reports libtorch's version, device and threads,
/// then fits y = 3x - 2 (plus seeded noise) with a linear model and Adam, printing the loss as it falls.
/// </summary>
public static class TorchSmoke
{
    private const int Steps = 200;
    private const int ReportEvery = 40;

    public static TorchSmokeResult Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var culture = CultureInfo.InvariantCulture;
        var target = preferred_device();
        var version = __version__;
        var threads = get_num_threads();
        output.WriteLine(string.Format(culture, "libtorch {0} on {1}, {2} intra-op threads", version, target, threads));

        using var generator = new Generator(42);
        using var x = randn([256, 1], generator: generator).to(target);
        using var noise = randn([256, 1], generator: generator).to(target);
        using var y = x * 3 - 2 + noise * 0.1;
        using var w = zeros([1, 1], device: target, requires_grad: true);
        using var b = zeros([1], device: target, requires_grad: true);
        using var adam = optim.Adam([w, b], lr: 0.1);

        double initial = double.NaN, final = double.NaN;
        for (var step = 0; step <= Steps; step++)
        {
            using var scope = NewDisposeScope();
            var loss = nn.functional.mse_loss(x.matmul(w) + b, y);
            final = loss.item<double>();
            if (step == 0)
            {
                initial = final;
            }

            if (step % ReportEvery == 0)
            {
                output.WriteLine(string.Format(culture, "  step {0,3}: mse {1:F5}", step, final));
            }

            adam.zero_grad();
            loss.backward();
            adam.step();
        }

        var slope = w.item<double>();
        var intercept = b.item<double>();
        output.WriteLine(string.Format(culture, "fitted y = {0:F3}x {1} {2:F3} (true: 3x - 2)", slope, intercept < 0 ? "-" : "+", Math.Abs(intercept)));
        return new TorchSmokeResult(version, target, threads, initial, final, slope, intercept);
    }
}
