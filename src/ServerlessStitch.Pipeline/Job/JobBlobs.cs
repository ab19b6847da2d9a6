using System.Text.Json;
using System.Text.Json.Serialization;
using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Storage;
using ServerlessStitch.Torch;
using static ServerlessStitch.Torch.torch;

namespace ServerlessStitch.Pipeline.Job;

/// <summary>
/// Typed reads and writes of one job's blobs: frame chunks, JSON records, float tensors as <c>.npy</c>,
/// whole files. Every write is a single blob commit, so a blob either exists complete or not at all.
/// </summary>
public sealed class JobBlobs(IBlobStore store, JobPaths paths)
{
    /// <summary>How job records are written: camelCase, indented, enums by name.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };
    private readonly FrameChunkCodec _codec = new();

    public IBlobStore Store { get; } = Check.NotNull(store);
    public JobPaths Paths { get; } = Check.NotNull(paths);

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) =>
        Store.ExistsAsync(JobPaths.Container, name, cancellationToken);

    public async Task WriteFramesAsync(string name, IReadOnlyList<Frame> frames, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await _codec.WriteAsync(buffer, frames, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        await Store.WriteAsync(JobPaths.Container, name, buffer, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Frame>> ReadFramesAsync(string name, CancellationToken cancellationToken)
    {
        await using var download = await Store.OpenReadAsync(JobPaths.Container, name, null, cancellationToken).ConfigureAwait(false);
        return await FrameChunkCodec.ReadAsync(download.Content, name, cancellationToken).ConfigureAwait(false);
    }

    public Task WriteJsonAsync<T>(string name, T value, CancellationToken cancellationToken) =>
        Store.WriteJsonAsync(JobPaths.Container, name, value, Json, null, cancellationToken);

    public Task<T> ReadJsonAsync<T>(string name, CancellationToken cancellationToken) =>
        Store.ReadJsonAsync<T>(JobPaths.Container, name, Json, cancellationToken);

    /// <summary>Writes a float tensor as <c>.npy</c>, so numpy opens the job's latents directly.</summary>
    public Task WriteTensorAsync(string name, Tensor value, CancellationToken cancellationToken)
    {
        using var cpu = value.detach().to(float32).cpu().contiguous();
        byte[] bytes = new NpyArray(cpu.data<float>(), [.. cpu.shape.Select(d => checked((int)d))]).ToBytes();
        return Store.WriteBytesAsync(JobPaths.Container, name, bytes, null, cancellationToken);
    }

    public async Task<Tensor> ReadTensorAsync(string name, CancellationToken cancellationToken)
    {
        byte[] bytes = await Store.ReadBytesAsync(JobPaths.Container, name, null, cancellationToken).ConfigureAwait(false);
        var array = NpyArray.Parse(bytes, name);
        return tensor(array.Values, [.. array.Shape.Select(d => (long)d)]);
    }

    public async Task WriteFileAsync(string name, string localPath, string contentType, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(localPath);
        await Store.WriteAsync(JobPaths.Container, name, file, new BlobWriteOptions { ContentType = contentType }, cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteBytesAsync(string name, ReadOnlyMemory<byte> bytes, string contentType, CancellationToken cancellationToken) =>
        await Store.WriteBytesAsync(JobPaths.Container, name, bytes, new BlobWriteOptions { ContentType = contentType }, cancellationToken).ConfigureAwait(false);

    public Task<byte[]> ReadBytesAsync(string name, CancellationToken cancellationToken) =>
        Store.ReadBytesAsync(JobPaths.Container, name, null, cancellationToken);

    /// <summary>Copies a blob to a local file (ffmpeg and libtorch read files); the file is written whole or not at all.</summary>
    public async Task DownloadAsync(string name, string localPath, CancellationToken cancellationToken)
    {
        string partial = localPath + ".partial";
        await using (var download = await Store.OpenReadAsync(JobPaths.Container, name, null, cancellationToken).ConfigureAwait(false))
        await using (var file = File.Create(partial))
        {
            await download.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }
        File.Move(partial, localPath, overwrite: true);
    }
}
