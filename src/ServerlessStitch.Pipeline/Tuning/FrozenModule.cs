using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch.jit;

namespace ServerlessStitch.Pipeline.Tuning;

/// <summary>
/// Private frozen copies of shared models: the catalog's instances are shared by every activity in a process, so a
/// stage that back-propagates through a model (LPIPS in a loss) uses its own copy with gradients off, rather than
/// switching the shared one's parameters or letting gradients accumulate in them.
/// </summary>
internal static class FrozenModule
{
    /// <summary>A deep copy in eval mode with every parameter's <c>requires_grad</c> off; the caller owns it.</summary>
    public static ScriptModule Copy(ScriptModule module)
    {
        ScriptModule copy = Check.NotNull(module).clone();
        copy.eval();
        SetRequiresGrad(copy, false);
        return copy;
    }

    /// <summary>Switches <c>requires_grad</c> of every parameter of <paramref name="module"/>.</summary>
    public static void SetRequiresGrad(ScriptModule module, bool requiresGrad)
    {
        foreach (torch.Tensor parameter in module.parameters())
        {
            parameter.requires_grad_(requiresGrad);
            parameter.Dispose();
        }
    }
}
