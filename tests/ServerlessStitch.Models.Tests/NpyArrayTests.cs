namespace ServerlessStitch.Models.Tests;

public sealed class NpyArrayTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("npy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("float32", "1,512")]
    [InlineData("float64", "18,512")]
    [InlineData("float32", "512")]
    public void Read_FileWrittenByNumPy_MatchesValuesAndShape(string dtype, string shape)
    {
        string path = Path.Combine(_dir, "d.npy");
        Repository.RunPython(
            "import numpy as np, sys; shape = tuple(int(s) for s in sys.argv[2].split(',')); " +
            "np.save(sys.argv[3], (np.arange(np.prod(shape)) * 0.25 - 3).reshape(shape).astype(sys.argv[1]))",
            dtype, shape, path);

        var array = NpyArray.Read(path);

        Assert.Equal(shape.Split(',').Select(int.Parse), array.Shape);
        Assert.Equal(-3f, array.Values[0]);
        Assert.Equal(array.Values.Length * 0.25f - 3.25f, array.Values[^1]);
    }

    [Theory]
    [InlineData(new[] { 48, 10, 128 })]
    [InlineData(new[] { 7 })]
    public void Write_ReadByNumPy_SameValuesAndShape(int[] shape)
    {
        string path = Path.Combine(_dir, "w.npy");
        var values = Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(i => (i * 0.5f) - 7f).ToArray();
        File.WriteAllBytes(path, new NpyArray(values, shape).ToBytes());

        string summary = Repository.RunPython(
            "import numpy as np, sys; a = np.load(sys.argv[1]); print(a.dtype, a.shape, float(a.reshape(-1)[-1]))", path);

        string expectedShape = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        Assert.Equal($"float32 {expectedShape} {values[^1]:0.0}", summary.Trim());
        Assert.Equal(values, NpyArray.Read(path).Values);
    }

    [Fact]
    public void Read_IntegerArray_RefusedNamingDtype()
    {
        string path = Path.Combine(_dir, "ints.npy");
        Repository.RunPython("import numpy as np, sys; np.save(sys.argv[1], np.arange(4, dtype=np.int64))", path);

        var error = Assert.Throws<ModelException>(() => NpyArray.Read(path));

        Assert.Contains("<i8", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TruncatedPayload_RefusedWithByteCounts()
    {
        string path = Path.Combine(_dir, "short.npy");
        Repository.RunPython("import numpy as np, sys; np.save(sys.argv[1], np.zeros((1, 8), np.float32))", path);
        byte[] bytes = File.ReadAllBytes(path)[..^4];

        var error = Assert.Throws<ModelException>(() => NpyArray.Parse(bytes, "short.npy"));

        Assert.Contains("needs 32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotNpy_Refused()
    {
        var error = Assert.Throws<ModelException>(() => NpyArray.Parse("hello world"u8, "text.npy"));

        Assert.Contains("not a NumPy .npy file", error.Message, StringComparison.Ordinal);
    }
}
