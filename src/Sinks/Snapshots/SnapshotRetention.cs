using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Insights.Sinks.Snapshots;

/// <summary>
/// Keeps the newest K complete snapshots. Deletes an old snapshot's manifest before its data (so no reader ever
/// follows a manifest to missing files). Files of a snapshot without a manifest are deleted only when no fresh
/// in-progress marker protects them: a snapshot being written by a concurrent `snapshot take` (or the schedule)
/// keeps its files however old its id, and a writer that died leaves a marker that stops protecting them once it is
/// older than the grace period (the marker is then removed with them).
/// </summary>
public sealed class SnapshotRetention(ISnapshotStore store, SnapshotLayout layout, int keep, TimeSpan grace, TimeProvider clock, ILogger logger)
{
    public async Task ApplyAsync(CancellationToken ct)
    {
        // Listed in this order on purpose. A writer puts its marker before its first data file and removes it only
        // after its manifest; so any data file listed first belongs to a snapshot whose marker is still listed next,
        // or whose manifest (written before the marker went) is listed last. No order of the writer's steps between
        // the three listings lets a snapshot in progress look abandoned.
        var dataKeys = await store.ListAsync(layout.DataPrefix, ct);
        var markers = (await store.ListAsync(layout.InProgressPrefix, ct))
            .Select(key => (Key: key, Id: layout.IdOfInProgress(key))).Where(m => m.Id is not null).ToList();
        var manifests = (await store.ListAsync(layout.ManifestsPrefix, ct))
            .Select(layout.IdOfManifest).OfType<string>().Order(StringComparer.Ordinal).ToList();

        var kept = manifests.TakeLast(keep).ToHashSet(StringComparer.Ordinal);
        foreach (var id in manifests.Where(id => !kept.Contains(id)))
            await store.DeleteAsync(layout.ManifestKey(id), ct);

        var complete = manifests.ToHashSet(StringComparer.Ordinal);
        var inProgress = new HashSet<string>(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        foreach (var (key, id) in markers)
        {
            // A marker beside a manifest is left by a writer that stopped between the two: the snapshot is complete.
            // A marker gone since it was listed was just removed by its writer, after its manifest or after failing:
            // this pass cannot tell which, so it leaves the files to the next one.
            if (!complete.Contains(id!) && (await HeartbeatAsync(key, id!, ct) is not { } beat || now - beat <= grace)) { inProgress.Add(id!); continue; }
            await store.DeleteAsync(key, ct);
            if (!complete.Contains(id!)) logger.LogWarning("snapshot retention: snapshot {Id} has had no heartbeat for over {Grace} s; its writer is taken for dead and its files removed", id, (int)grace.TotalSeconds);
        }

        var removed = 0;
        foreach (var key in dataKeys)
        {
            if (layout.IdOfData(key) is not { } id || kept.Contains(id) || inProgress.Contains(id)) continue;
            await store.DeleteAsync(key, ct);
            removed++;
        }
        if (manifests.Count > kept.Count || removed > 0)
            logger.LogInformation("snapshot retention: kept {Kept}, removed {Manifests} snapshots and {Files} data files",
                kept.Count, manifests.Count - kept.Count, removed);
    }

    /// <summary>
    /// The marker's last heartbeat, or null when the marker no longer exists; one that cannot be parsed counts from
    /// the time in its id (when the snapshot started).
    /// </summary>
    private async Task<DateTimeOffset?> HeartbeatAsync(string key, string id, CancellationToken ct)
    {
        if (await store.GetAsync(key, ct) is not { } content) return null;
        try
        {
            if (JsonSerializer.Deserialize(content, SinkJsonContext.Default.SnapshotInProgress) is { } marker)
                return DateTimeOffset.FromUnixTimeMilliseconds(marker.HeartbeatAtMs);
        }
        catch (JsonException) { }
        return DateTimeOffset.TryParseExact(id, "yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var started) ? started : DateTimeOffset.MinValue;
    }
}
