namespace Insights.Capture.Position;

/// <summary>
/// Writes the tracker's durable position to the checkpoint file whenever it moved, at most every
/// <c>interval</c> (a rename per transaction would cost more than the capture itself), and once more at stop.
/// </summary>
public sealed class CheckpointWriter(CommitTracker tracker, string path, TimeSpan interval)
{
    private long written = -1;

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        try { while (await timer.WaitForNextTickAsync(ct)) WriteIfMoved(); }
        catch (OperationCanceledException) { }
    }

    public void WriteIfMoved()
    {
        lock (this)
        {
            var version = tracker.Version;
            var durable = tracker.Durable;
            if (version == written || durable is null) return;
            (durable with { WrittenAt = DateTimeOffset.UtcNow }).Save(path);
            written = version;
        }
    }
}
