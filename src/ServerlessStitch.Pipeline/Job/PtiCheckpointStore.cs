using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ServerlessStitch.Storage;
using ServerlessStitch.Pipeline.Tuning;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// The job's PTI checkpoint in its blobs: <c>pti/checkpoint/generator.pt</c>, <c>optimizer.pt</c>, then
/// <c>state.json</c> (passes done, frame count, sha256 of both blobs, the run's fingerprint). A worker killed
/// mid-PTI leaves it behind; its replacement resumes from it only when every part matches this run.
/// </summary>
public sealed class PtiCheckpointStore(JobBlobs blobs, string fingerprint, int frames)
{
    public async Task WriteAsync(PtiCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        Check.NotNull(checkpoint);
        // Blobs first, state last: a write cut short leaves the old state, whose hashes no longer match, so a
        // half-written checkpoint is never taken for a whole one.
        await blobs.WriteBytesAsync(blobs.Paths.PtiCheckpointGenerator, checkpoint.Generator, "application/octet-stream", cancellationToken).ConfigureAwait(false);
        await blobs.WriteBytesAsync(blobs.Paths.PtiCheckpointOptimizer, checkpoint.Optimizer, "application/octet-stream", cancellationToken).ConfigureAwait(false);
        var state = new PtiCheckpointState(checkpoint.PassesDone, frames, fingerprint, Sha256(checkpoint.Generator), Sha256(checkpoint.Optimizer));
        await blobs.WriteJsonAsync(blobs.Paths.PtiCheckpointState, state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stored checkpoint if it belongs to this run and is whole; otherwise why it is not usable.</summary>
    public async Task<(PtiCheckpoint? Checkpoint, string? Rejected)> ReadAsync(CancellationToken cancellationToken)
    {
        if (!await blobs.ExistsAsync(blobs.Paths.PtiCheckpointState, cancellationToken).ConfigureAwait(false))
        {
            return (null, null);
        }
        PtiCheckpointState? state;
        try
        {
            state = await blobs.ReadJsonAsync<PtiCheckpointState>(blobs.Paths.PtiCheckpointState, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException error)
        {
            return (null, $"its state.json is unreadable ({error.Message})");
        }
        if (state is null || state.Fingerprint != fingerprint || state.Frames != frames)
        {
            return (null, "it was made with other PTI options, models or frames");
        }
        byte[]? generator = await ReadIfExistsAsync(blobs.Paths.PtiCheckpointGenerator, cancellationToken).ConfigureAwait(false);
        byte[]? optimizer = await ReadIfExistsAsync(blobs.Paths.PtiCheckpointOptimizer, cancellationToken).ConfigureAwait(false);
        if (generator is null || optimizer is null || Sha256(generator) != state.GeneratorSha256 || Sha256(optimizer) != state.OptimizerSha256)
        {
            return (null, "its generator or optimizer blob is missing or does not match its state (cut short or corrupt)");
        }
        return (new PtiCheckpoint(state.PassesDone, generator, optimizer), null);
    }

    /// <summary>Removes the checkpoint, state first so that what a cut-short delete leaves is never resumed from.</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        foreach (string name in new[] { blobs.Paths.PtiCheckpointState, blobs.Paths.PtiCheckpointGenerator, blobs.Paths.PtiCheckpointOptimizer })
        {
            await blobs.Store.DeleteIfExistsAsync(JobPaths.Container, name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What a checkpoint must share with the run that resumes it: the PTI options (bar the checkpoint interval, which
    /// does not change results), the generator and LPIPS models, the crop and pivot shapes, and the pivots' values.
    /// </summary>
    public static string Fingerprint(PtiOptions options, string generatorSha256, string perceptualSha256, long[] cropShape, long[] pivotShape, float[] pivots)
    {
        Check.NotNull(options);
        string canonical = string.Join("\n",
            JsonSerializer.Serialize(options with { CheckpointEveryPasses = 0 }, JobBlobs.Json),
            generatorSha256.ToLowerInvariant(),
            perceptualSha256.ToLowerInvariant(),
            string.Join(",", cropShape),
            string.Join(",", pivotShape),
            Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(pivots.AsSpan()))));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private async Task<byte[]?> ReadIfExistsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await blobs.ReadBytesAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

/// <summary><c>pti/checkpoint/state.json</c>.</summary>
public sealed record PtiCheckpointState(int PassesDone, int Frames, string Fingerprint, string GeneratorSha256, string OptimizerSha256);
