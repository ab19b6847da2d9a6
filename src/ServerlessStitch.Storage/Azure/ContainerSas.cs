using System.Globalization;
using System.Text;

namespace ServerlessStitch.Storage;

/// <summary>What a container SAS allows, in the service's canonical order r-a-c-w-d-l.</summary>
[Flags]
public enum ContainerSasPermissions
{
    None = 0,
    Read = 1,
    Add = 2,
    Create = 4,
    Write = 8,
    Delete = 16,
    List = 32,
    All = Read | Add | Create | Write | Delete | List,
}

/// <summary>
/// Issues service SAS tokens for one container, signed with the account key (string-to-sign of version
/// 2020-12-06 and later), so a worker such as the GPU job can be handed access to one job's container only.
/// </summary>
public static class ContainerSas
{
    /// <summary>The SAS query (without '?') granting <paramref name="permissions"/> on <paramref name="container"/> until <paramref name="expiresOn"/>.</summary>
    public static string CreateToken(StorageSharedKeyCredential credential, string container, ContainerSasPermissions permissions, DateTimeOffset expiresOn, DateTimeOffset? startsOn = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        BlobNameRules.ValidateContainer(container);
        if (permissions == ContainerSasPermissions.None)
        {
            throw new ArgumentException("A SAS must grant at least one permission.", nameof(permissions));
        }

        string sp = Permissions(permissions);
        string st = startsOn is { } start ? Format(start) : string.Empty;
        string se = Format(expiresOn);
        const string Version = StorageHttpPipeline.ApiVersion;
        const string Resource = "c"; // the signed resource is a container
        string stringToSign = string.Join('\n',
            sp, st, se, $"/blob/{credential.AccountName}/{container}",
            string.Empty, // signed identifier (stored access policy)
            string.Empty, // signed IP range
            string.Empty, // signed protocol
            Version, Resource,
            string.Empty, // snapshot time
            string.Empty, // encryption scope
            string.Empty, string.Empty, string.Empty, string.Empty, string.Empty); // rscc, rscd, rsce, rscl, rsct
        string signature = credential.ComputeSignature(stringToSign);

        var query = new StringBuilder()
            .Append("sv=").Append(Version)
            .Append("&sr=").Append(Resource[0])
            .Append("&sp=").Append(sp);
        if (st.Length > 0)
        {
            query.Append("&st=").Append(Uri.EscapeDataString(st));
        }

        return query.Append("&se=").Append(Uri.EscapeDataString(se))
            .Append("&sig=").Append(Uri.EscapeDataString(signature))
            .ToString();
    }

    /// <summary>The container's URL with the SAS appended, ready for <see cref="AzureBlobStore.FromSasUri"/>.</summary>
    public static Uri CreateUri(Uri serviceEndpoint, StorageSharedKeyCredential credential, string container, ContainerSasPermissions permissions, DateTimeOffset expiresOn)
    {
        ArgumentNullException.ThrowIfNull(serviceEndpoint);
        string token = CreateToken(credential, container, permissions, expiresOn);
        return new Uri($"{serviceEndpoint.GetLeftPart(UriPartial.Path).TrimEnd('/')}/{container}?{token}");
    }

    private static string Permissions(ContainerSasPermissions permissions)
    {
        var text = new StringBuilder(6);
        foreach ((ContainerSasPermissions flag, char letter) in new[]
        {
            (ContainerSasPermissions.Read, 'r'), (ContainerSasPermissions.Add, 'a'), (ContainerSasPermissions.Create, 'c'),
            (ContainerSasPermissions.Write, 'w'), (ContainerSasPermissions.Delete, 'd'), (ContainerSasPermissions.List, 'l'),
        })
        {
            if (permissions.HasFlag(flag))
            {
                text.Append(letter);
            }
        }

        return text.ToString();
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
