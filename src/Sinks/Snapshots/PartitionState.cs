using Insights.Contracts.Scores;

namespace Insights.Sinks.Snapshots;

/// <summary>The current score of every live member of one partition, as of the offsets [StartOffset, EndOffset).</summary>
public sealed record PartitionState(int Partition, long StartOffset, long EndOffset, IReadOnlyList<ScoreUpdate> Members)
{
    /// <summary>Records in the range that were not valid score records and were left out.</summary>
    public long Skipped { get; init; }
}

/// <summary>Where snapshots read the full current score state from, one partition at a time.</summary>
public interface IScoreStateSource
{
    string Topic { get; }
    Task<IReadOnlyList<int>> PartitionsAsync(CancellationToken ct);
    Task<PartitionState> ReadAsync(int partition, CancellationToken ct);
}
