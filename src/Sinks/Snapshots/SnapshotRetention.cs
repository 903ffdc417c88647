using Microsoft.Extensions.Logging;

namespace Insights.Sinks.Snapshots;

/// <summary>
/// Keeps the newest K complete snapshots. Deletes an old snapshot's manifest before its data (so no reader
/// ever follows a manifest to missing files), and removes data files no manifest references that are older
/// than the newest manifest: leftovers of snapshots that died before their manifest.
/// </summary>
public sealed class SnapshotRetention(ISnapshotStore store, SnapshotLayout layout, int keep, ILogger logger)
{
    public async Task ApplyAsync(CancellationToken ct)
    {
        var manifests = (await store.ListAsync(layout.ManifestsPrefix, ct))
            .Select(layout.IdOfManifest).OfType<string>().Order(StringComparer.Ordinal).ToList();
        if (manifests.Count == 0) return;
        var kept = manifests.TakeLast(keep).ToHashSet(StringComparer.Ordinal);
        foreach (var id in manifests.Where(id => !kept.Contains(id)))
            await store.DeleteAsync(layout.ManifestKey(id), ct);

        var newest = manifests[^1];
        var removed = 0;
        foreach (var key in await store.ListAsync(layout.DataPrefix, ct))
        {
            // A data id newer than the newest manifest may be a snapshot being written right now: leave it.
            if (layout.IdOfData(key) is not { } id || kept.Contains(id) || string.CompareOrdinal(id, newest) > 0) continue;
            await store.DeleteAsync(key, ct);
            removed++;
        }
        if (manifests.Count > kept.Count || removed > 0)
            logger.LogInformation("snapshot retention: kept {Kept}, removed {Manifests} snapshots and {Files} data files",
                kept.Count, manifests.Count - kept.Count, removed);
    }
}
