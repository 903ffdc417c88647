namespace Insights.Processors.Hosting;

/// <summary>
/// Keeps a worker from resuming on local stores that a crash left ahead of Kafka. At least once, a task's RocksDB holds
/// the writes of every record the task processed, while the records those writes caused (collective batches, changelog
/// records) may still have been in the producer's queue when the process died. Restarted on that folder, the task
/// replays its input from the last commit onto state that already holds it, so nothing is sent again and those effects
/// are lost: a worker killed with SIGKILL and restarted on its kept folder lost one member's attendances from 86 movies'
/// published counts in `bench chaos`. A clean stop (records delivered, offsets committed, stores closed) leaves a marker
/// in the application's state folder; a start that finds the folder without it empties the folder, so every task
/// restores from its changelog, which holds only what reached Kafka. Only this application's folder
/// (StateDir/ApplicationId, where Streamiz keeps its tasks) is touched.
/// </summary>
public static class CleanStopMarker
{
    public const string FileName = ".insights-clean-stop";

    /// <summary>The folder Streamiz keeps the application's task stores in.</summary>
    public static string ApplicationFolder(string stateDir, string applicationId) => Path.Combine(stateDir, applicationId);

    /// <summary>
    /// Call before the stream starts. Consumes the marker of a clean stop, or empties a folder left without one;
    /// returns true when it emptied one.
    /// </summary>
    public static bool PrepareForStart(string stateDir, string applicationId)
    {
        var folder = ApplicationFolder(stateDir, applicationId);
        if (!Directory.Exists(folder)) return false;
        var marker = Path.Combine(folder, FileName);
        if (File.Exists(marker))
        {
            // From here on a stop is unclean until this run marks it otherwise.
            File.Delete(marker);
            return false;
        }
        var entries = Directory.EnumerateFileSystemEntries(folder).ToList();
        foreach (var entry in entries)
        {
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
        return entries.Count > 0;
    }

    /// <summary>Call once the stream has stopped cleanly: the next start may resume on the local stores.</summary>
    public static void MarkCleanStop(string stateDir, string applicationId)
    {
        var folder = ApplicationFolder(stateDir, applicationId);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, FileName), DateTimeOffset.UtcNow.ToString("O"));
    }
}
