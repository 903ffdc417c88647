namespace Insights.Sinks.Snapshots;

/// <summary>
/// The last object of a snapshot and the only one readers start from: it lists every data file with its
/// SHA-256 and size and the topic offsets it covers. A snapshot without a manifest does not exist.
/// </summary>
public sealed record SnapshotManifest
{
    public const int CurrentSchema = 1;

    public int Schema { get; init; } = CurrentSchema;
    public required string Id { get; init; }
    public required long CreatedAtMs { get; init; }
    public required string Topic { get; init; }
    public required IReadOnlyList<SnapshotFile> Files { get; init; }

    public long Members => Files.Sum(f => f.Members);
}

/// <summary>
/// One partition's state: gzip JSON lines, one ScoreUpdate per live member (tombstoned members absent),
/// ordered by member id; it reflects every record of the partition in [StartOffset, EndOffset).
/// </summary>
public sealed record SnapshotFile
{
    public required int Partition { get; init; }
    public required string Key { get; init; }
    public required string Sha256 { get; init; }
    public required long Bytes { get; init; }
    public required long Members { get; init; }
    public required long StartOffset { get; init; }
    public required long EndOffset { get; init; }
    /// <summary>Commit time of the newest source change in the file (epoch ms), 0 when empty.</summary>
    public required long SourceTsMs { get; init; }
    /// <summary>Records in the offset range that were not valid score records and were left out (their members keep their last valid update).</summary>
    public long SkippedRecords { get; init; }
}

/// <summary>
/// The marker of a snapshot being written, put before its first data file and again after each one (the heartbeat),
/// deleted after its manifest. Retention never deletes the files of a snapshot whose marker beat within
/// <see cref="SnapshotSettings.InProgressGraceSeconds"/>; a marker older than that belongs to a writer that died.
/// </summary>
public sealed record SnapshotInProgress
{
    public required string Id { get; init; }
    public required long StartedAtMs { get; init; }
    public required long HeartbeatAtMs { get; init; }
    /// <summary>The machine and process writing it, for an operator wondering whose it is.</summary>
    public string? Writer { get; init; }
}
