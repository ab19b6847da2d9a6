using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.GpuWorker;

/// <summary>Turns the <c>STITCH_DEVICE</c> setting into a device: <c>auto</c> takes CUDA when the linked libtorch has it and a GPU is present.</summary>
internal static class DeviceChoice
{
    public static Device Resolve(string setting)
    {
        if (string.Equals(setting, "auto", StringComparison.OrdinalIgnoreCase))
        {
            return preferred_device();
        }
        Device device;
        try
        {
            device = Device.Parse(setting);
        }
        catch (ArgumentException e)
        {
            throw new WorkerConfigurationException($"STITCH_DEVICE must be auto, cpu, cuda or cuda:N: {e.Message}", e);
        }
        if (device.type == DeviceType.CUDA && !cuda.is_available())
        {
            throw new WorkerConfigurationException($"STITCH_DEVICE is '{setting}', but the linked libtorch has no CUDA or no GPU is visible; use auto or cpu.");
        }
        return device;
    }
}
