using System.Globalization;

namespace Insights.Sinks.Snapshots;

/// <summary>
/// Object keys of snapshots under one prefix: `{prefix}/data/{id}/scores-p{NNN}.jsonl.gz` for data files,
/// `{prefix}/manifests/{id}.json` for manifests and `{prefix}/in-progress/{id}.json` for the marker of a snapshot
/// being written. Ids are UTC times (yyyyMMddTHHmmssfffZ), so ordinal order is age order.
/// </summary>
public sealed record SnapshotLayout(string Prefix)
{
    public string ManifestsPrefix => $"{Prefix}/manifests/";
    public string DataPrefix => $"{Prefix}/data/";
    public string InProgressPrefix => $"{Prefix}/in-progress/";

    public string ManifestKey(string id) => $"{ManifestsPrefix}{id}.json";
    public string InProgressKey(string id) => $"{InProgressPrefix}{id}.json";

    public string? IdOfInProgress(string key) =>
        key.StartsWith(InProgressPrefix, StringComparison.Ordinal) && key.EndsWith(".json", StringComparison.Ordinal)
            ? key[InProgressPrefix.Length..^".json".Length] : null;
    public string DataKey(string id, int partition) => $"{DataPrefix}{id}/scores-p{partition.ToString("D3", CultureInfo.InvariantCulture)}.jsonl.gz";

    public static string NewId(DateTimeOffset now) => now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);

    public string? IdOfManifest(string key) =>
        key.StartsWith(ManifestsPrefix, StringComparison.Ordinal) && key.EndsWith(".json", StringComparison.Ordinal)
            ? key[ManifestsPrefix.Length..^".json".Length] : null;

    public string? IdOfData(string key)
    {
        if (!key.StartsWith(DataPrefix, StringComparison.Ordinal)) return null;
        var rest = key[DataPrefix.Length..];
        var slash = rest.IndexOf('/');
        return slash > 0 ? rest[..slash] : null;
    }
}
