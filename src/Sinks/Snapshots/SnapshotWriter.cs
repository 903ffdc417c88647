using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Sinks.Snapshots;

/// <summary>
/// Takes a snapshot: the data file of every partition first, the manifest last, then retention. Until the
/// manifest is written the snapshot does not exist for readers, so a writer killed half-way leaves the
/// previous snapshot current and its own data files unreferenced (retention removes them later).
/// </summary>
public sealed class SnapshotWriter(IScoreStateSource source, ISnapshotStore store, SnapshotSettings settings,
    TimeProvider? clock = null, ILogger<SnapshotWriter>? logger = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger<SnapshotWriter>.Instance;
    private readonly SnapshotLayout _layout = new(settings.Prefix);

    public async Task<SnapshotManifest> TakeAsync(CancellationToken ct)
    {
        var id = SnapshotLayout.NewId(_clock.GetUtcNow());
        var files = new List<SnapshotFile>();
        foreach (var partition in await source.PartitionsAsync(ct))
        {
            var state = await source.ReadAsync(partition, ct);
            var content = SnapshotFormat.Encode(state.Members);
            var key = _layout.DataKey(id, partition);
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
        }
        var manifest = new SnapshotManifest { Id = id, CreatedAtMs = _clock.GetUtcNow().ToUnixTimeMilliseconds(), Topic = source.Topic, Files = files };
        await store.PutAsync(_layout.ManifestKey(id), JsonSerializer.SerializeToUtf8Bytes(manifest, SinkJsonContext.Default.SnapshotManifest), ct);
        Telemetry.SinkMetrics.SnapshotCompleted();
        _logger.LogInformation("snapshot {Id}: {Members} members in {Files} files, {Bytes} bytes, at {Location}",
            id, manifest.Members, files.Count, files.Sum(f => f.Bytes), store.Location);
        if (files.Sum(f => f.SkippedRecords) is > 0 and var skipped)
            _logger.LogWarning("snapshot {Id}: left out {Skipped} records that are not valid score records (see the manifest's skipped_records per partition)", id, skipped);
        await new SnapshotRetention(store, _layout, settings.Keep, _logger).ApplyAsync(ct);
        return manifest;
    }
}
