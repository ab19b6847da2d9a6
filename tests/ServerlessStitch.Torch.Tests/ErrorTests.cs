using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Torch.Tests;

public class ErrorTests(TinyModuleFixture fixture) : IClassFixture<TinyModuleFixture>
{
    [Fact]
    public void Matmul_MismatchedShapes_ThrowsTorchExceptionWithLibtorchsMessageAndNoBacktrace()
    {
        using var scope = NewDisposeScope();
        var a = zeros([2, 3]);
        var b = zeros([4, 5]);

        var error = Assert.Throws<TorchException>(() => a.matmul(b));

        Assert.Contains("2x3", error.Message);
        Assert.Contains("4x5", error.Message);
        Assert.DoesNotContain("frame #", error.Message);
        Assert.DoesNotContain("Exception raised from", error.Message);
    }

    [Fact]
    public void Invoke_MissingMethod_ThrowsNamingTheMethod()
    {
        using var scope = NewDisposeScope();
        using var module = jit.load(fixture.ModulePath);

        var error = Assert.Throws<TorchException>(() => module.invoke("no_such_method", zeros([2, 4])));

        Assert.Contains("no_such_method", error.Message);
    }

    [Fact]
    public void Forward_WrongArgumentShape_ThrowsAndTheModuleStillWorks()
    {
        using var scope = NewDisposeScope();
        using var module = jit.load(fixture.ModulePath);

        var error = Assert.Throws<TorchException>(() => module.forward(zeros([2, 5])));
        Assert.StartsWith("RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x5 and 4x8)", error.Message);
        Assert.Throws<TorchException>(() => module.forward(zeros([2, 4]), zeros([2, 4])));

        Assertions.Close(fixture.Forward, module.forward(tensor(fixture.X, [2, 4])).data<float>(), 1e-6);
    }

    [Fact]
    public void Load_CorruptOrTruncatedFile_ThrowsTorchException()
    {
        var garbage = Path.Combine(fixture.Directory, "garbage.pt");
        File.WriteAllBytes(garbage, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31))]);
        var truncated = Path.Combine(fixture.Directory, "truncated.pt");
        var bytes = File.ReadAllBytes(fixture.ModulePath);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<TorchException>(() => jit.load(garbage));
        Assert.Contains(garbage, error.Message);
        Assert.Throws<TorchException>(() => jit.load(truncated));
        Assert.Throws<TorchException>(() => jit.load(new MemoryStream(bytes[..100])));
        Assert.Throws<FileNotFoundException>(() => jit.load(Path.Combine(fixture.Directory, "absent.pt")));
    }

    [Fact]
    public void Tensor_DataOfWrongLengthOrType_ThrowsDescribingTheMismatch()
    {
        using var scope = NewDisposeScope();

        var wrongLength = Assert.Throws<TorchException>(() => tensor(new float[5], [2, 3]));
        var wrongType = Assert.Throws<TorchException>(() => zeros([2]).data<byte>());

        Assert.Contains("needs 24", wrongLength.Message);
        Assert.Contains("not the requested", wrongType.Message);
    }

    [Fact]
    public void DisposedTensor_ThrowsObjectDisposed()
    {
        var t = zeros([2]);
        t.Dispose();

        Assert.True(t.IsInvalid);
        Assert.Throws<ObjectDisposedException>(() => t.sum());
    }

    [Fact]
    public void Backward_OnTensorWithoutGrad_ThrowsTorchException()
    {
        using var scope = NewDisposeScope();

        Assert.Throws<TorchException>(() => zeros([2]).sum().backward());
    }
}
