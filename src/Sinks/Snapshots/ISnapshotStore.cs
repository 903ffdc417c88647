namespace Insights.Sinks.Snapshots;

/// <summary>
/// Where snapshot objects live: a local folder (the embedded default) or any S3 API endpoint. Keys are
/// '/'-separated paths. A put is all-or-nothing for readers: a reader sees the whole object or none of it.
/// </summary>
public interface ISnapshotStore
{
    /// <summary>Human-readable location for messages, e.g. `s3://bucket/prefix` or a folder path.</summary>
    string Location { get; }
    Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct);
    /// <summary>The object's bytes, or null when it does not exist.</summary>
    Task<byte[]?> GetAsync(string key, CancellationToken ct);
    /// <summary>Every key under the prefix, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken ct);
    Task DeleteAsync(string key, CancellationToken ct);
}
