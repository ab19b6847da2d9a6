using System.Globalization;
using System.Text;

namespace ServerlessStitch.Storage.Queues;

/// <summary>The limits Azure Queue Storage sets, enforced alike by both queues so that code tested locally behaves the same on Azure.</summary>
internal static class QueueRules
{
    /// <summary>Azure's cap on a message as stored: 64 KiB, which for us is the base64 form of the UTF-8 text.</summary>
    public const int MaxEncodedMessageBytes = 64 * 1024;

    public static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromDays(7);

    /// <summary>Throws <see cref="ArgumentException"/> naming the broken rule of Azure's queue names.</summary>
    public static void ValidateName(string name, string paramName = "queueName")
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        string? broken =
            name.Length is < 3 or > 63 ? $"must be 3 to 63 characters long (it has {name.Length})"
            : !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') ? "may contain only lowercase letters, digits and hyphens"
            : name[0] == '-' || name[^1] == '-' ? "must start and end with a letter or digit"
            : name.Contains("--", StringComparison.Ordinal) ? "must not contain two hyphens in a row"
            : null;
        if (broken is not null)
        {
            throw new ArgumentException($"Queue name '{name}' is invalid: a queue name {broken}.", paramName);
        }
    }

    /// <summary>The text as Azure stores it (base64 of UTF-8), refused with <see cref="QueueMessageTooLargeException"/> when over the cap.</summary>
    public static string Encode(string queue, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int utf8Bytes = Encoding.UTF8.GetByteCount(text);
        long base64Bytes = 4L * ((utf8Bytes + 2) / 3);
        if (base64Bytes > MaxEncodedMessageBytes)
        {
            throw new QueueMessageTooLargeException(
                $"A message for queue '{queue}' of {utf8Bytes} UTF-8 bytes is {base64Bytes} bytes in base64, over the {MaxEncodedMessageBytes}-byte limit of a queue message; nothing was sent. Put the payload in a blob and send its name.");
        }

        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>
    /// The text of a stored message. Text that is not base64 (sent by a client that does not encode) is returned as
    /// it is, so one foreign message cannot wedge a consumer.
    /// </summary>
    public static string Decode(string stored)
    {
        var buffer = new byte[stored.Length];
        return Convert.TryFromBase64String(stored, buffer, out int written)
            ? Encoding.UTF8.GetString(buffer, 0, written)
            : stored;
    }

    /// <summary>A timeout in the whole seconds the service takes, rounded up; refused when negative (or zero where not allowed) or over 7 days.</summary>
    public static int Seconds(TimeSpan timeout, bool allowZero, string paramName)
    {
        if (timeout < TimeSpan.Zero || (!allowZero && timeout == TimeSpan.Zero) || timeout > MaxVisibilityTimeout)
        {
            throw new ArgumentOutOfRangeException(paramName, timeout, $"must be {(allowZero ? "0" : "more than 0")} s to 7 days");
        }

        return (int)Math.Ceiling(timeout.TotalSeconds - 1e-9);
    }

    public static string SecondsText(int seconds) => seconds.ToString(CultureInfo.InvariantCulture);
}
