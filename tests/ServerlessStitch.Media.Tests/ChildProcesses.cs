namespace ServerlessStitch.Media.Tests;

/// <summary>Reads /proc to find child processes of the test host by name, to prove a killed ffmpeg is gone.</summary>
internal static class ChildProcesses
{
    public static IReadOnlyList<int> Named(string name)
    {
        var self = Environment.ProcessId;
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var close = stat.LastIndexOf(')');
                var comm = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..close];
                var fields = stat[(close + 2)..].Split(' ');
                if (comm == name && int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == self)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return children;
    }
}
