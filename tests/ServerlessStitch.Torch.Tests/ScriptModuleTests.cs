using static ServerlessStitch.Torch.torch;
using F = ServerlessStitch.Torch.torch.nn.functional;

namespace ServerlessStitch.Torch.Tests;

public class ScriptModuleTests(TinyModuleFixture fixture) : IClassFixture<TinyModuleFixture>
{
    [Fact]
    public void Load_Forward_MatchesPyTorchsOutput()
    {
        using var scope = NewDisposeScope();
        using var module = jit.load(fixture.ModulePath);

        var y = module.forward(tensor(fixture.X, [2, 4]));

        Assert.Equal([2L, 3], y.shape);
        Assertions.Close(fixture.Forward, y.data<float>(), 1e-6);
    }

    [Fact]
    public void Invoke_ExportedMethods_ReturnTensorsAndTuples()
    {
        using var scope = NewDisposeScope();
        using var module = jit.load(fixture.ModulePath, map_location: CPU);

        var mapped = module.invoke("mapping", tensor(fixture.Z, [2, 3]));
        var both = module.invoke_all("with_total", tensor(fixture.X, [2, 4]));

        Assertions.Close(fixture.Mapping, mapped.data<float>(), 1e-6);
        Assert.Equal(2, both.Length);
        Assertions.Close([fixture.Forward[..3].Sum(), fixture.Forward[3..].Sum()], both[1].data<float>(), 1e-5);
        Assert.True(module.has_method("mapping"));
        Assert.False(module.has_method("missing"));
    }

    [Fact]
    public void NamedParametersAndBuffers_ListPyTorchsNames()
    {
        using var scope = NewDisposeScope();
        using var module = jit.load(fixture.ModulePath);

        Assert.Equal(fixture.ParameterNames, module.named_parameters().Select(p => p.name));
        Assert.Equal(fixture.BufferNames, module.named_buffers().Select(b => b.name));
        Assert.All(module.parameters(), p => Assert.True(p.requires_grad));
        Assert.Equal([3L], module.named_buffers()[0].buffer.shape);
    }

    [Fact]
    public void TrainAndEval_ToggleTheTrainingFlag()
    {
        using var module = jit.load(fixture.ModulePath);

        Assert.False(module.eval().training);
        Assert.True(module.train().training);
    }

    [Fact]
    public void RoundTrip_LoadTuneCloneSaveReload_KeepsEachStageConsistent()
    {
        using var scope = NewDisposeScope();
        using var original = jit.load(fixture.ModulePath);
        using var tuned = original.clone();
        var x = tensor(fixture.X, [2, 4]);
        var target = tensor([1f, 0, -1, -1, 0, 1], [2, 3]);
        using var adam = optim.Adam(tuned.parameters(), lr: 0.05);

        var firstLoss = double.NaN;
        var lastLoss = double.NaN;
        for (var step = 0; step < 60; step++)
        {
            using var stepScope = NewDisposeScope();
            var loss = F.mse_loss(tuned.forward(x), target);
            lastLoss = loss.item<double>();
            firstLoss = step == 0 ? lastLoss : firstLoss;
            adam.zero_grad();
            loss.backward();
            adam.step();
        }

        var tunedOutput = tuned.forward(x).detach();
        var path = Path.Combine(fixture.Directory, "tuned.pt");
        tuned.save(path);
        using var stream = new MemoryStream();
        tuned.save(stream);
        stream.Position = 0;
        using var fromFile = jit.load(path);
        using var fromStream = jit.load(stream);

        Assert.True(lastLoss < firstLoss * 0.1, $"fine-tuning took the loss from {firstLoss} to {lastLoss}");
        // the clone was tuned; the original still gives PyTorch's output
        Assertions.Close(fixture.Forward, original.forward(x).data<float>(), 1e-6);
        Assertions.Close(tunedOutput.data<float>(), fromFile.forward(x).data<float>(), 0);
        Assertions.Close(tunedOutput.data<float>(), fromStream.forward(x).data<float>(), 0);
        Assertions.Close(fixture.Mapping, fromFile.invoke("mapping", tensor(fixture.Z, [2, 3])).data<float>(), 1e-6);
    }

    [Fact]
    public void FineTuneLoop_TenThousandStepsInScopes_ReturnsLiveTensorsToBaseline()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = live_tensor_count();
        using (var setup = NewDisposeScope())
        {
            using var module = jit.load(fixture.ModulePath);
            var x = tensor(fixture.X, [2, 4]);
            var target = zeros([2, 3]);
            using var adam = optim.Adam(module.parameters(), lr: 1e-3);
            for (var step = 0; step < 10_000; step++)
            {
                using var scope = NewDisposeScope();
                var loss = F.mse_loss(module.forward(x), target) + module.invoke("mapping", target).square().mean();
                adam.zero_grad();
                loss.backward();
                adam.step();
            }
        }

        Assert.Equal(baseline, live_tensor_count());
    }

    [Fact]
    public void Dispose_ReleasesModulesAndTheirHandles()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var modules = live_module_count();
        var tensors = live_tensor_count();

        for (var i = 0; i < 50; i++)
        {
            using var scope = NewDisposeScope();
            using var module = jit.load(fixture.ModulePath);
            using var copy = module.clone();
            copy.forward(tensor(fixture.X, [2, 4]));
            _ = copy.named_parameters();
        }

        Assert.Equal(modules, live_module_count());
        Assert.Equal(tensors, live_tensor_count());
    }
}
