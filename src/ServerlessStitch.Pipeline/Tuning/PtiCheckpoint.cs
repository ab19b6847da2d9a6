namespace ServerlessStitch.Pipeline.Tuning;

/// <summary>
/// PTI's state at a pass boundary: <paramref name="PassesDone"/> passes completed, the tuned generator as TorchScript
/// bytes (<c>ScriptModule.save</c>) and the Adam state (<c>Adam.save</c>). Resuming from it with the same inputs and
/// options runs the remaining passes exactly as an uninterrupted run would.
/// </summary>
public sealed record PtiCheckpoint(int PassesDone, byte[] Generator, byte[] Optimizer);

/// <summary>
/// Where <see cref="PivotalTuner.Tune(ServerlessStitch.Torch.torch.Tensor, ServerlessStitch.Torch.torch.Tensor, PtiCheckpointing, IProgress{PtiProgress}?, CancellationToken)"/>
/// starts (<paramref name="ResumeFrom"/>; null = the pretrained generator, pass 0) and who receives the checkpoints it
/// makes every <see cref="PtiOptions.CheckpointEveryPasses"/> passes (<paramref name="OnCheckpoint"/>, called
/// synchronously on the tuning thread; tuning waits for it).
/// </summary>
public sealed record PtiCheckpointing(PtiCheckpoint? ResumeFrom = null, Action<PtiCheckpoint>? OnCheckpoint = null);
