namespace ServerlessStitch.Pipeline.Alignment;

/// <summary>
/// A 1-D Gaussian low-pass along time with reflect padding (d c b a | a b c d), the behaviour of scipy's
/// <c>gaussian_filter1d</c> that the reference code uses; the symmetric padding keeps the first and last
/// frames from being pulled towards zero or towards one side.
/// </summary>
internal static class GaussianFilter1D
{
    public static double[] Kernel(double sigma, double radiusInSigmas)
    {
        int radius = (int)((radiusInSigmas * sigma) + 0.5);
        var weights = new double[(2 * radius) + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++)
        {
            double w = Math.Exp(-0.5 * k * k / (sigma * sigma));
            weights[k + radius] = w;
            sum += w;
        }
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] /= sum;
        }
        return weights;
    }

    public static Point2[] Apply(IReadOnlyList<Point2> values, double sigma, double radiusInSigmas)
    {
        var result = new Point2[values.Count];
        if (sigma == 0)
        {
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = values[i];
            }
            return result;
        }

        double[] kernel = Kernel(sigma, radiusInSigmas);
        int radius = kernel.Length / 2;
        for (int t = 0; t < result.Length; t++)
        {
            double x = 0, y = 0;
            for (int k = -radius; k <= radius; k++)
            {
                Point2 v = values[Reflect(t + k, values.Count)];
                x += kernel[k + radius] * v.X;
                y += kernel[k + radius] * v.Y;
            }
            result[t] = new Point2(x, y);
        }
        return result;
    }

    /// <summary>Half-sample symmetric index: repeats with period 2n, so kernels longer than the video still work.</summary>
    internal static int Reflect(int index, int count)
    {
        int period = 2 * count;
        int i = ((index % period) + period) % period;
        return i < count ? i : period - 1 - i;
    }
}
