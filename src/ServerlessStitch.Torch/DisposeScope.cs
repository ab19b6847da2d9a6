namespace ServerlessStitch.Torch;

/// <summary>
/// Owns the tensors created on its thread while it is the innermost open scope, and disposes them with itself.
/// Opened by <see cref="torch.NewDisposeScope"/>; scopes nest and must be disposed innermost first, on the
/// thread that opened them (never across an <c>await</c>).
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? current;

    private readonly DisposeScope? outer;
    private readonly int threadId;
    private readonly HashSet<torch.Tensor> owned = new(ReferenceEqualityComparer.Instance);
    private bool disposed;

    private DisposeScope(DisposeScope? outer)
    {
        this.outer = outer;
        threadId = Environment.CurrentManagedThreadId;
    }

    internal static DisposeScope? Current => current;

    /// <summary>Tensors this scope will dispose.</summary>
    public int Count => owned.Count;

    internal static DisposeScope Open()
    {
        var scope = new DisposeScope(current);
        current = scope;
        return scope;
    }

    internal void Adopt(torch.Tensor tensor)
    {
        owned.Add(tensor);
        tensor.OwningScope = this;
    }

    internal void Release(torch.Tensor tensor)
    {
        owned.Remove(tensor);
        tensor.OwningScope = null;
    }

    /// <summary>Hands <paramref name="tensor"/> to the enclosing scope (or to nobody, at the outermost scope).</summary>
    public torch.Tensor MoveToOuter(torch.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!ReferenceEquals(tensor.OwningScope, this))
        {
            throw new InvalidOperationException("the tensor does not belong to this dispose scope");
        }

        Release(tensor);
        outer?.Adopt(tensor);
        return tensor;
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        if (!ReferenceEquals(current, this) || threadId != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException(
                "dispose scopes must be disposed innermost first, on the thread that opened them (was there an await inside the scope?)");
        }

        disposed = true;
        current = outer;
        foreach (var tensor in owned)
        {
            tensor.OwningScope = null;
            tensor.Dispose();
        }

        owned.Clear();
    }
}
