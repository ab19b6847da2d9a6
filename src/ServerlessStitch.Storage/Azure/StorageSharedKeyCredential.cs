using System.Security.Cryptography;
using System.Text;

namespace ServerlessStitch.Storage;

/// <summary>A storage account name and key; signs strings with HMAC-SHA256 as Shared Key and SAS require.</summary>
public sealed class StorageSharedKeyCredential
{
    private readonly byte[] _key;

    /// <param name="accountKey">The base64 account key from the portal or connection string.</param>
    public StorageSharedKeyCredential(string accountName, string accountKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        ArgumentException.ThrowIfNullOrWhiteSpace(accountKey);
        AccountName = accountName;
        try
        {
            _key = Convert.FromBase64String(accountKey);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"The account key of '{accountName}' is not base64; copy it again from the connection string.", nameof(accountKey), e);
        }
    }

    /// <summary>Azurite's well-known development account (public, documented by Microsoft; not a secret).</summary>
    public static StorageSharedKeyCredential DevelopmentStorage { get; } = new(
        "devstoreaccount1",
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==");

    public string AccountName { get; }

    /// <summary>Base64 HMAC-SHA256 of the UTF-8 string under the account key.</summary>
    public string ComputeSignature(string stringToSign)
        => Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign)));
}
