using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Sinks.Snapshots;

/// <summary>
/// Takes a snapshot: an in-progress marker first, the data file of every partition (the marker's heartbeat renewed
/// after each), the manifest, then the marker removed and retention run. Until the manifest is written the snapshot
/// does not exist for readers, so a writer killed half-way leaves the previous snapshot current; while its marker is
/// fresh no retention (this writer's or a concurrent one's) deletes its files, and once the marker is older than
/// <see cref="SnapshotSettings.InProgressGraceSeconds"/> they are swept. A writer that fails on its own withdraws its
/// marker at once, so the next retention sweeps its files.
/// </summary>
public sealed class SnapshotWriter(IScoreStateSource source, ISnapshotStore store, SnapshotSettings settings,
    TimeProvider? clock = null, ILogger<SnapshotWriter>? logger = null)
{
    private readonly TimeProvider clock = clock ?? TimeProvider.System;
    private readonly ILogger logger = logger ?? NullLogger<SnapshotWriter>.Instance;
    private readonly SnapshotLayout layout = new(settings.Prefix);

    public async Task<SnapshotManifest> TakeAsync(CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var id = SnapshotLayout.NewId(started);
        var marker = layout.InProgressKey(id);
        await BeatAsync(id, started, ct);
        SnapshotManifest manifest;
        try
        {
            var files = new List<SnapshotFile>();
            foreach (var partition in await source.PartitionsAsync(ct))
            {
                var state = await source.ReadAsync(partition, ct);
                var content = SnapshotFormat.Encode(state.Members);
                var key = layout.DataKey(id, partition);
                await store.PutAsync(key, content, ct);
                files.Add(new SnapshotFile
                {
                    Partition = partition,
                    Key = key,
                    Sha256 = SnapshotFormat.Sha256Hex(content),
                    Bytes = content.Length,
                    Members = state.Members.Count,
                    StartOffset = state.StartOffset,
                    EndOffset = state.EndOffset,
                    SourceTsMs = state.Members.Count == 0 ? 0 : state.Members.Max(m => m.Source.TsMs),
                    SkippedRecords = state.Skipped,
                });
                await EnsureMarkerAsync(id, ct);
                await BeatAsync(id, started, ct);
            }
            await EnsureMarkerAsync(id, ct);
            manifest = new SnapshotManifest { Id = id, CreatedAtMs = clock.GetUtcNow().ToUnixTimeMilliseconds(), Topic = source.Topic, Files = files };
            await store.PutAsync(layout.ManifestKey(id), JsonSerializer.SerializeToUtf8Bytes(manifest, SinkJsonContext.Default.SnapshotManifest), ct);
        }
        catch
        {
            // This snapshot will never get a manifest: withdraw the marker so the next retention sweeps its files
            // now rather than after the grace period. Best effort: a store that fails here leaves that to the grace.
            try { await store.DeleteAsync(marker, CancellationToken.None); }
            catch (Exception e) { logger.LogWarning("snapshot {Id}: could not remove its in-progress marker ({Reason})", id, e.Message); }
            throw;
        }
        await store.DeleteAsync(marker, ct);
        Telemetry.SinkMetrics.SnapshotCompleted();
        logger.LogInformation("snapshot {Id}: {Members} members in {Files} files, {Bytes} bytes, at {Location}",
            id, manifest.Members, manifest.Files.Count, manifest.Files.Sum(f => f.Bytes), store.Location);
        if (manifest.Files.Sum(f => f.SkippedRecords) is > 0 and var skipped)
            logger.LogWarning("snapshot {Id}: left out {Skipped} records that are not valid score records (see the manifest's skipped_records per partition)", id, skipped);
        await new SnapshotRetention(store, layout, settings.Keep, TimeSpan.FromSeconds(settings.InProgressGraceSeconds), clock, logger).ApplyAsync(ct);
        return manifest;
    }

    /// <summary>
    /// A retention that took this writer for dead (no heartbeat within the grace period) removed its marker and may
    /// have removed its files: renewing the marker or writing a manifest now could point at missing files, so give up.
    /// </summary>
    private async Task EnsureMarkerAsync(string id, CancellationToken ct)
    {
        if (await store.GetAsync(layout.InProgressKey(id), ct) is null)
            throw new InvalidOperationException($"snapshot {id}: its in-progress marker {layout.InProgressKey(id)} is gone (no heartbeat within " +
                $"{settings.InProgressGraceSeconds} s, so a retention took its writer for dead); not writing a manifest that could point at removed files");
    }

    /// <summary>Puts (or renews) this snapshot's in-progress marker with the current time as its heartbeat.</summary>
    private Task BeatAsync(string id, DateTimeOffset started, CancellationToken ct) =>
        store.PutAsync(layout.InProgressKey(id), JsonSerializer.SerializeToUtf8Bytes(new SnapshotInProgress
        {
            Id = id,
            StartedAtMs = started.ToUnixTimeMilliseconds(),
            HeartbeatAtMs = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            Writer = $"{Environment.MachineName}/{Environment.ProcessId}",
        }, SinkJsonContext.Default.SnapshotInProgress), ct);
}
