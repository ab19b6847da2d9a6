namespace ServerlessStitch.Storage;

/// <summary>Base of every error a blob store raises; transport errors are kept as the inner exception.</summary>
public class BlobStoreException : Exception
{
    public BlobStoreException() { }

    public BlobStoreException(string message) : base(message) { }

    public BlobStoreException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>The blob (or the container holding it) does not exist.</summary>
public class BlobNotFoundException : BlobStoreException
{
    public BlobNotFoundException() { }

    public BlobNotFoundException(string message) : base(message) { }

    public BlobNotFoundException(string message, Exception? innerException) : base(message, innerException) { }

    internal static BlobNotFoundException For(string container, string name, Exception? inner = null)
        => new($"Blob '{name}' does not exist in container '{container}'.", inner);
}

/// <summary>The container does not exist: create it first with <see cref="IBlobStore.CreateContainerIfNotExistsAsync"/>.</summary>
public class ContainerNotFoundException : BlobStoreException
{
    public ContainerNotFoundException() { }

    public ContainerNotFoundException(string message) : base(message) { }

    public ContainerNotFoundException(string message, Exception? innerException) : base(message, innerException) { }

    internal static ContainerNotFoundException For(string container, Exception? inner = null)
        => new($"Container '{container}' does not exist; create it with CreateContainerIfNotExistsAsync first.", inner);
}

/// <summary>A conditional write did not happen because its condition did not hold (If-Match: the ETag changed).</summary>
public class BlobPreconditionFailedException : BlobStoreException
{
    public BlobPreconditionFailedException() { }

    public BlobPreconditionFailedException(string message) : base(message) { }

    public BlobPreconditionFailedException(string message, Exception? innerException) : base(message, innerException) { }

    internal static BlobPreconditionFailedException ETagMismatch(string container, string name, string expectedETag, Exception? inner = null)
        => new($"Blob '{name}' in container '{container}' is no longer at ETag {expectedETag} (changed or deleted since it was read); nothing was written.", inner);
}

/// <summary>A create-only write (If-None-Match: *) found the blob already there; nothing was written.</summary>
public class BlobAlreadyExistsException : BlobPreconditionFailedException
{
    public BlobAlreadyExistsException() { }

    public BlobAlreadyExistsException(string message) : base(message) { }

    public BlobAlreadyExistsException(string message, Exception? innerException) : base(message, innerException) { }

    internal static BlobAlreadyExistsException For(string container, string name, Exception? inner = null)
        => new($"Blob '{name}' already exists in container '{container}'; a create-only write does not replace it.", inner);
}

/// <summary>A container name, blob name or metadata entry breaks the naming rules; the message says which rule.</summary>
public class InvalidBlobNameException : BlobStoreException
{
    public InvalidBlobNameException() { }

    public InvalidBlobNameException(string message) : base(message) { }

    public InvalidBlobNameException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>The storage endpoint could not be reached (after retries); the message names it and what to check.</summary>
public class StorageUnavailableException : BlobStoreException
{
    public StorageUnavailableException() { }

    public StorageUnavailableException(string message) : base(message) { }

    public StorageUnavailableException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>The service refused the credentials (HTTP 403): a wrong key, an expired SAS or a missing role assignment.</summary>
public class StorageAccessDeniedException : BlobStoreException
{
    public StorageAccessDeniedException() { }

    public StorageAccessDeniedException(string message) : base(message) { }

    public StorageAccessDeniedException(string message, Exception? innerException) : base(message, innerException) { }
}
