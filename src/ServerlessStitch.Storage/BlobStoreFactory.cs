using Azure.Core;
using Azure.Identity;

namespace ServerlessStitch.Storage;

/// <summary>Storage settings as bound from configuration.</summary>
public sealed class BlobStoreOptions
{
    /// <summary>
    /// Where blobs live: empty for the embedded filesystem store at <see cref="RootPath"/>; an Azure Storage connection
    /// string (<c>UseDevelopmentStorage=true</c> for Azurite); a SAS URL; a blob endpoint URL without a SAS (managed
    /// identity); or a folder path.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The filesystem store's folder when <see cref="ConnectionString"/> is empty.</summary>
    public string RootPath { get; set; } = ".stitch";

    public AzureBlobStoreOptions Azure { get; set; } = new();
}

/// <summary>Picks the store from configuration: the filesystem by default, Azure Blob (or Azurite) when given a connection string or URL.</summary>
public static class BlobStoreFactory
{
    /// <param name="tokenCredential">Used when the target carries no key or SAS; defaults to <see cref="DefaultAzureCredential"/> (managed identity in Azure).</param>
    public static IBlobStore Create(BlobStoreOptions options, TokenCredential? tokenCredential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? target = options.ConnectionString?.Trim();
        if (string.IsNullOrEmpty(target))
        {
            return new FileSystemBlobStore(options.RootPath);
        }

        if (StorageConnectionString.LooksLikeConnectionString(target))
        {
            StorageConnectionString parsed = StorageConnectionString.Parse(target);
            IStorageRequestAuthorizer authorizer = parsed.CreateAuthorizer() ?? new BearerTokenAuthorizer(tokenCredential ?? new DefaultAzureCredential());
            return new AzureBlobStore(parsed.BlobEndpoint, authorizer, options.Azure);
        }

        if (Uri.TryCreate(target, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https")
        {
            return uri.Query.Contains("sig=", StringComparison.Ordinal)
                ? AzureBlobStore.FromSasUri(uri, options.Azure)
                : new AzureBlobStore(uri, new BearerTokenAuthorizer(tokenCredential ?? new DefaultAzureCredential()), options.Azure);
        }

        return new FileSystemBlobStore(uri is { IsFile: true } ? uri.LocalPath : target);
    }

    /// <summary>The store for a connection string, URL or folder path (see <see cref="BlobStoreOptions.ConnectionString"/>).</summary>
    public static IBlobStore Create(string? connectionStringOrPath, TokenCredential? tokenCredential = null)
        => Create(new BlobStoreOptions { ConnectionString = connectionStringOrPath }, tokenCredential);
}
