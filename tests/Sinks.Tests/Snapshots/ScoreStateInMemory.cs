using Insights.Contracts.Scores;
using Insights.Sinks.Snapshots;

namespace Insights.Sinks.Tests.Snapshots;

/// <summary>
/// A score state source over records held in memory, partitioned like the topic (member id modulo the
/// partition count), so snapshot tests do not need a broker; ScoreTopicState is tested against one separately.
/// </summary>
public sealed class ScoreStateInMemory(int partitions) : IScoreStateSource
{
    private readonly List<ScoreChange>[] _records = Enumerable.Range(0, partitions).Select(_ => new List<ScoreChange>()).ToArray();

    public string Topic => "insights.propensity.scores";

    public void Add(ScoreChange change) => _records[(int)(change.MemberId % partitions)].Add(change);

    public Task<IReadOnlyList<int>> PartitionsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<int>>(Enumerable.Range(0, partitions).ToList());

    public Task<PartitionState> ReadAsync(int partition, CancellationToken ct)
    {
        var records = _records[partition];
        var live = ScoreChange.Collapse(records).Select(c => c.Update).OfType<ScoreUpdate>().OrderBy(u => u.MemberId).ToList();
        return Task.FromResult(new PartitionState(partition, 0, records.Count, live));
    }
}

/// <summary>A clock that moves one second per reading, so snapshots taken in one test get distinct, ordered ids.</summary>
public sealed class SteppingClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    public override DateTimeOffset GetUtcNow() => _now = _now.AddSeconds(1);
}

/// <summary>Passes every call to a real store, and cancels a token once a given number of data files were put.</summary>
public sealed class InterruptedStore(ISnapshotStore inner, int dataPutsBeforeCancel, CancellationTokenSource cancel) : ISnapshotStore
{
    private int _dataPuts;
    public string Location => inner.Location;

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        await inner.PutAsync(key, content, ct);
        if (key.Contains("/data/", StringComparison.Ordinal) && ++_dataPuts == dataPutsBeforeCancel) await cancel.CancelAsync();
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken ct) => inner.GetAsync(key, ct);
    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken ct) => inner.ListAsync(prefix, ct);
    public Task DeleteAsync(string key, CancellationToken ct) => inner.DeleteAsync(key, ct);
}
