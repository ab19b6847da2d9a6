using System.Buffers;
using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;

namespace ServerlessStitch.Storage;

/// <summary>
/// Buffers writes into blocks of <see cref="AzureBlobStoreOptions.BlockSize"/> and stages each full block with Put Block
/// while the caller keeps writing (at most <see cref="AzureBlobStoreOptions.MaxParallelBlockUploads"/> in flight). The commit
/// is one Put Block List — or one Put Blob when everything fitted in the first buffer — so the blob appears whole or not at all.
/// </summary>
internal sealed class AzureBlockWriteStream : BlobWriteStream
{
    private readonly AzureBlobStore _store;
    private readonly string _container;
    private readonly string _name;
    private readonly BlobWriteOptions _options;
    private readonly int _blockSize;
    private readonly int _singleUploadLimit;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _abort = new();
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly List<string> _blockIds = [];
    private readonly List<Task> _uploads = [];

    // Block ids must all have one length; a per-write random prefix keeps two writers of one name from replacing each other's staged blocks.
    private readonly byte[] _writerId = Guid.NewGuid().ToByteArray();
    private byte[] _buffer;
    private int _filled;
    private long _length;
    private Exception? _failure;

    public AzureBlockWriteStream(AzureBlobStore store, string container, string name, BlobWriteOptions options)
    {
        _store = store;
        _container = container;
        _name = name;
        _options = options;
        _blockSize = store.Options.BlockSize;
        _singleUploadLimit = store.Options.SingleUploadLimit;
        _slots = new SemaphoreSlim(store.Options.MaxParallelBlockUploads);
        _buffer = ArrayPool<byte>.Shared.Rent(_blockSize);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfCompleted();
        while (!buffer.IsEmpty)
        {
            int n = Append(buffer);
            buffer = buffer[n..];
            if (_filled == _blockSize)
            {
                StageBufferAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        while (!buffer.IsEmpty)
        {
            int n = Append(buffer.Span);
            buffer = buffer[n..];
            if (_filled == _blockSize)
            {
                await StageBufferAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override async Task<BlobProperties> CommitAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        IsCompleted = true;
        using CancellationTokenRegistration link = cancellationToken.Register(_abort.Cancel);
        string md5 = Convert.ToBase64String(_md5.GetHashAndReset());
        if (_blockIds.Count == 0 && _filled <= _singleUploadLimit)
        {
            return await PutBlobAsync(md5, cancellationToken).ConfigureAwait(false);
        }

        if (_filled > 0)
        {
            await StageBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        await WaitForUploadsAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return await PutBlockListAsync(md5, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        await AbandonAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            AbandonAsync().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private int Append(ReadOnlySpan<byte> data)
    {
        int n = Math.Min(data.Length, _blockSize - _filled);
        data[..n].CopyTo(_buffer.AsSpan(_filled));
        _md5.AppendData(data[..n]);
        _filled += n;
        _length += n;
        return n;
    }

    /// <summary>Hands the full buffer to a background Put Block once a slot is free, and continues with a fresh buffer.</summary>
    private async Task StageBufferAsync(CancellationToken cancellationToken)
    {
        ThrowIfUploadFailed();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
        try
        {
            await _slots.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_failure is not null)
        {
            ThrowIfUploadFailed(); // a block failed while we waited: report that, not the cancellation it caused
        }

        byte[] block = _buffer;
        int count = _filled;
        string blockId = NextBlockId();
        _buffer = ArrayPool<byte>.Shared.Rent(_blockSize);
        _filled = 0;
        _uploads.Add(Task.Run(() => PutBlockAsync(blockId, block, count), CancellationToken.None));
    }

    private async Task PutBlockAsync(string blockId, byte[] block, int count)
    {
        try
        {
            using HttpResponseMessage response = await _store.Pipeline.SendAsync(
                () => new HttpRequestMessage(HttpMethod.Put, _store.BlobUri(_container, _name, "comp=block&blockid=" + Uri.EscapeDataString(blockId)))
                {
                    Content = new ByteArrayContent(block, 0, count),
                },
                HttpCompletionOption.ResponseContentRead,
                _abort.Token).ConfigureAwait(false);
            await AzureBlobStore.EnsureSuccessAsync(response, "write", _container, _name, null, _abort.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!_abort.IsCancellationRequested)
        {
            // The first real failure wins; the others are only the cancellation it triggers.
            Interlocked.CompareExchange(ref _failure, e, null);
            await _abort.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
            _slots.Release();
        }
    }

    private async Task<BlobProperties> PutBlobAsync(string md5, CancellationToken cancellationToken)
    {
        byte[] content = _buffer;
        int count = _filled;
        using HttpResponseMessage response = await _store.Pipeline.SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, _store.BlobUri(_container, _name)) { Content = new ByteArrayContent(content, 0, count) };
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(_options.ContentType);
                request.Content.Headers.ContentMD5 = Convert.FromBase64String(md5); // the service rejects a body that does not match
                request.Headers.Add("x-ms-blob-type", "BlockBlob");
                AzureBlobStore.AddWriteHeaders(request, _options.Condition);
                AzureBlobStore.AddMetadataHeaders(request, _options.Metadata);
                return request;
            },
            HttpCompletionOption.ResponseContentRead,
            cancellationToken).ConfigureAwait(false);
        await AzureBlobStore.EnsureSuccessAsync(response, "write", _container, _name, _options.Condition, cancellationToken).ConfigureAwait(false);
        return Committed(response, md5);
    }

    private async Task<BlobProperties> PutBlockListAsync(string md5, CancellationToken cancellationToken)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        foreach (string id in _blockIds)
        {
            xml.Append("<Latest>").Append(id).Append("</Latest>");
        }

        string body = xml.Append("</BlockList>").ToString();
        using HttpResponseMessage response = await _store.Pipeline.SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, _store.BlobUri(_container, _name, "comp=blocklist"))
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/xml"),
                };
                request.Headers.Add("x-ms-blob-content-type", _options.ContentType);
                request.Headers.Add("x-ms-blob-content-md5", md5);
                AzureBlobStore.AddWriteHeaders(request, _options.Condition);
                AzureBlobStore.AddMetadataHeaders(request, _options.Metadata);
                return request;
            },
            HttpCompletionOption.ResponseContentRead,
            cancellationToken).ConfigureAwait(false);
        await AzureBlobStore.EnsureSuccessAsync(response, "write", _container, _name, _options.Condition, cancellationToken).ConfigureAwait(false);
        return Committed(response, md5);
    }

    private BlobProperties Committed(HttpResponseMessage response, string md5)
    {
        var metadata = _options.Metadata?.ToDictionary(p => p.Key.ToLowerInvariant(), p => p.Value, StringComparer.Ordinal) ?? [];
        return new BlobProperties(_name, _length, BlobResponseHeaders.ETag(response), BlobResponseHeaders.LastModified(response), _options.ContentType, md5, metadata);
    }

    private string NextBlockId()
    {
        Span<byte> id = stackalloc byte[20];
        _writerId.CopyTo(id);
        BinaryPrimitives.WriteInt32BigEndian(id[16..], _blockIds.Count);
        string blockId = Convert.ToBase64String(id);
        _blockIds.Add(blockId);
        return blockId;
    }

    private async Task WaitForUploadsAsync()
    {
        try
        {
            await Task.WhenAll(_uploads).ConfigureAwait(false);
        }
        catch (Exception) when (_failure is not null)
        {
            ExceptionDispatchInfo.Throw(_failure);
        }
    }

    private void ThrowIfUploadFailed()
    {
        if (_failure is not null)
        {
            IsCompleted = true;
            ExceptionDispatchInfo.Throw(_failure);
        }
    }

    /// <summary>Stops staging and waits for in-flight blocks so their buffers can go back to the pool; staged blocks are never committed.</summary>
    private async Task AbandonAsync()
    {
        if (_buffer.Length == 0)
        {
            return; // already abandoned
        }

        IsCompleted = true;
        await _abort.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_uploads).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The failure was reported by the write or commit that hit it; abandoning only cleans up.
        }

        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _md5.Dispose();
        _abort.Dispose();
        _slots.Dispose();
    }
}
