namespace Insights.Broker;

/// <summary>Writes a file so readers see either the old content or the whole new one, never half.</summary>
internal static class AtomicFile
{
    public static void Write(string path, string content)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = $"{full}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, full, overwrite: true); // rename(2) within one folder is atomic
    }
}
