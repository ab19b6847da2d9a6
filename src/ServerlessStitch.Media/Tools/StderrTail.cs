namespace ServerlessStitch.Media;

/// <summary>
/// Keeps the last lines a child process wrote to stderr. ffmpeg can print without end on a
/// damaged file, and only the last lines explain why it stopped, so the buffer is bounded.
/// </summary>
internal sealed class StderrTail(int maxLines = 20)
{
    private readonly Queue<string> lines = new();
    private readonly Lock gate = new();

    public void Add(string line)
    {
        lock (gate)
        {
            if (lines.Count == maxLines)
            {
                lines.Dequeue();
            }

            lines.Enqueue(line);
        }
    }

    public override string ToString()
    {
        lock (gate)
        {
            return string.Join(Environment.NewLine, lines);
        }
    }
}
