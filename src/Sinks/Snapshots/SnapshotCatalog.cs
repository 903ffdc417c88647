using System.Text.Json;
using Insights.Contracts.Scores;

namespace Insights.Sinks.Snapshots;

/// <summary>Reads snapshots: lists manifests, and reads a snapshot's data back, verifying every file's size and SHA-256.</summary>
public sealed class SnapshotCatalog(ISnapshotStore store, string prefix)
{
    private readonly SnapshotLayout layout = new(prefix);

    /// <summary>Every complete snapshot, oldest first.</summary>
    public async Task<IReadOnlyList<SnapshotManifest>> ListAsync(CancellationToken ct)
    {
        var manifests = new List<SnapshotManifest>();
        foreach (var key in await store.ListAsync(layout.ManifestsPrefix, ct))
        {
            if (layout.IdOfManifest(key) is null) continue;
            // Retention may delete a manifest between list and get; that snapshot is simply gone.
            if (await store.GetAsync(key, ct) is { } content) manifests.Add(ParseManifest(content, key));
        }
        return manifests.OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The named snapshot, or the newest when <paramref name="id"/> is null.</summary>
    public async Task<SnapshotManifest> GetAsync(string? id, CancellationToken ct)
    {
        if (id is null)
            return (await ListAsync(ct)).LastOrDefault() ?? throw new SnapshotNotFoundException($"no snapshot at {store.Location}/{prefix}");
        var content = await store.GetAsync(layout.ManifestKey(id), ct)
            ?? throw new SnapshotNotFoundException($"snapshot {id} not found at {store.Location}/{prefix}");
        return ParseManifest(content, layout.ManifestKey(id));
    }

    /// <summary>The members of one data file, after checking it is exactly the file the manifest lists.</summary>
    public async Task<IReadOnlyList<ScoreUpdate>> ReadAsync(SnapshotFile file, CancellationToken ct)
    {
        var content = await store.GetAsync(file.Key, ct)
            ?? throw new InvalidDataException($"snapshot data file {file.Key} is missing");
        if (content.Length != file.Bytes)
            throw new InvalidDataException($"snapshot data file {file.Key} has {content.Length} bytes, the manifest says {file.Bytes}");
        var sha = SnapshotFormat.Sha256Hex(content);
        if (sha != file.Sha256)
            throw new InvalidDataException($"snapshot data file {file.Key} has SHA-256 {sha}, the manifest says {file.Sha256}");
        return SnapshotFormat.Decode(content, file.Key);
    }

    private static SnapshotManifest ParseManifest(byte[] content, string key)
    {
        SnapshotManifest manifest;
        try { manifest = JsonSerializer.Deserialize(content, SinkJsonContext.Default.SnapshotManifest) ?? throw new JsonException("null"); }
        catch (JsonException e) { throw new InvalidDataException($"snapshot manifest {key} is not valid: {e.Message}", e); }
        if (manifest.Schema != SnapshotManifest.CurrentSchema)
            throw new InvalidDataException($"snapshot manifest {key} has schema {manifest.Schema}; this reader knows {SnapshotManifest.CurrentSchema}");
        return manifest;
    }
}

public sealed class SnapshotNotFoundException(string message) : Exception(message);
