namespace Insights.Sinks.Snapshots;

/// <summary>
/// When and where score snapshots are taken. Bound from configuration section `Snapshots`; the S3 endpoint
/// itself comes from section `S3` (<see cref="S3Endpoint"/>).
/// </summary>
public sealed record SnapshotSettings
{
    public const string Section = "Snapshots";

    /// <summary>Seconds between snapshots; 0 turns the schedule off (snapshots on demand only).</summary>
    public int IntervalSeconds { get; init; } = 3600;

    /// <summary>How many complete snapshots to keep; older ones are deleted after each new one.</summary>
    public int Keep { get; init; } = 24;

    /// <summary>`local` (a folder, the embedded default) or `s3` (the endpoint in section `S3`).</summary>
    public string Store { get; init; } = "local";

    /// <summary>The folder for `local`, relative to the working directory unless absolute.</summary>
    public string LocalPath { get; init; } = ".snapshots";

    /// <summary>Key prefix inside the folder or bucket.</summary>
    public string Prefix { get; init; } = "snapshots";

    /// <summary>
    /// How long after its last heartbeat (one per data file written) a snapshot in progress keeps its files safe
    /// from retention. Past it the writer is taken for dead and its files are removed; a writer still alive then
    /// finds its marker gone and fails instead of writing a manifest that could point at removed files. Must exceed
    /// the time to read and write the largest partition.
    /// </summary>
    public int InProgressGraceSeconds { get; init; } = 1800;

    public string? Problem()
    {
        if (IntervalSeconds < 0) return $"{Section}:IntervalSeconds must be 0 (off) or positive, got {IntervalSeconds}";
        if (Keep < 1) return $"{Section}:Keep must be at least 1, got {Keep}";
        if (InProgressGraceSeconds < 60) return $"{Section}:InProgressGraceSeconds must be at least 60, got {InProgressGraceSeconds}";
        if (Store is not ("local" or "s3")) return $"{Section}:Store has '{Store}', expected local or s3";
        if (Store == "local" && string.IsNullOrWhiteSpace(LocalPath)) return $"{Section}:LocalPath is required when {Section}:Store is local";
        if (string.IsNullOrWhiteSpace(Prefix) || Prefix.StartsWith('/') || Prefix.EndsWith('/'))
            return $"{Section}:Prefix has '{Prefix}', expected a key prefix without leading or trailing '/'";
        return null;
    }

    public ISnapshotStore CreateStore(S3Endpoint s3) => Store == "s3" ? s3.CreateStore() : new LocalFolderStore(LocalPath);
}
