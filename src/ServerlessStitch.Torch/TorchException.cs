namespace ServerlessStitch.Torch;

/// <summary>
/// A libtorch operation failed (a bad shape, a missing TorchScript method, a corrupt model file, ...).
/// The message is libtorch's own, without its C++ backtrace.
/// </summary>
public sealed class TorchException : Exception
{
    public TorchException() { }

    public TorchException(string message) : base(message) { }

    public TorchException(string message, Exception innerException) : base(message, innerException) { }
}
