using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;
using static ServerlessStitch.Torch.torch.jit;

namespace ServerlessStitch.Pipeline.Inversion;

/// <summary>
/// The generator's mean latent w̄ <c>[1, D]</c>, the centre of truncation and the start of optimisation-based
/// inversion: the checkpoint's <c>latent_avg</c> through the exported <c>mean_latent()</c> when the model has it,
/// else the mean of <c>mapping(z)</c> over seeded z ~ N(0, 1) (StyleGAN2's <c>mean_latent(n)</c>).
/// </summary>
public static class MeanLatent
{
    /// <summary>Samples drawn when the generator exports no <c>mean_latent()</c> (StyleGAN2 projectors use 10 000).</summary>
    public const int DefaultSamples = 10_000;

    /// <summary>w̄ <c>[1, D]</c>, a new tensor the caller owns.</summary>
    public static Tensor Of(ScriptModule generator, int zDim, ulong seed = 0, int samples = DefaultSamples)
    {
        Check.NotNull(generator);
        Check.Positive(zDim);
        Check.Positive(samples);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        if (generator.has_method("mean_latent"))
        {
            Tensor stored = generator.invoke("mean_latent").reshape(1, -1);
            // A converted checkpoint without latent_avg leaves the buffer at zeros: fall back to sampling.
            if (stored.abs().sum().item<float>() > 0)
            {
                return stored.clone().MoveToOuterDisposeScope();
            }
        }

        using var random = new Generator(seed);
        Tensor z = randn([samples, zDim], generator: random);
        return generator.invoke("mapping", z).mean(0, keepdim: true).MoveToOuterDisposeScope();
    }
}
