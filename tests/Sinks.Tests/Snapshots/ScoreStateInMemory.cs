using Insights.Contracts.Scores;
using Insights.Sinks.Snapshots;

namespace Insights.Sinks.Tests.Snapshots;

/// <summary>
/// A score state source over records held in memory, partitioned like the topic (member id modulo the
/// partition count), so snapshot tests do not need a broker; ScoreTopicState is tested against one separately.
/// </summary>
public sealed class ScoreStateInMemory(int partitions) : IScoreStateSource
{
    private readonly List<ScoreChange>[] records = Enumerable.Range(0, partitions).Select(_ => new List<ScoreChange>()).ToArray();

    public string Topic => "insights.propensity.scores";

    public void Add(ScoreChange change) => records[(int)(change.MemberId % partitions)].Add(change);

    public Task<IReadOnlyList<int>> PartitionsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<int>>(Enumerable.Range(0, partitions).ToList());

    public Task<PartitionState> ReadAsync(int partition, CancellationToken ct)
    {
        var records = this.records[partition];
        var live = ScoreChange.Collapse(records).Select(c => c.Update).OfType<ScoreUpdate>().OrderBy(u => u.MemberId).ToList();
        return Task.FromResult(new PartitionState(partition, 0, records.Count, live));
    }
}

/// <summary>
/// A clock that moves one second per reading, so snapshots taken in one test get distinct, ordered ids, and that a
/// test can move further by hand (past a grace period).
/// </summary>
public sealed class SteppingClock : TimeProvider
{
    private long ticks = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero).UtcTicks;
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Add(ref ticks, TimeSpan.TicksPerSecond), TimeSpan.Zero);
    public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
}

/// <summary>A state source that holds every partition after the first until released, so a snapshot can be caught half-written.</summary>
public sealed class GatedState(IScoreStateSource inner) : IScoreStateSource
{
    private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Topic => inner.Topic;
    /// <summary>Completes when the writer asks for the second partition: its first data file is written.</summary>
    public Task Reached => reached.Task;
    public void Release() => open.TrySetResult();

    public Task<IReadOnlyList<int>> PartitionsAsync(CancellationToken ct) => inner.PartitionsAsync(ct);

    public async Task<PartitionState> ReadAsync(int partition, CancellationToken ct)
    {
        if (partition > 0)
        {
            reached.TrySetResult();
            await open.Task.WaitAsync(ct);
        }
        return await inner.ReadAsync(partition, ct);
    }
}

/// <summary>A store that works for a given number of data-file puts and then fails every call, as a killed writer's store would.</summary>
public sealed class DyingStore(ISnapshotStore inner, int dataPutsBeforeDeath) : ISnapshotStore
{
    private int dataPuts;
    private bool Dead => dataPuts >= dataPutsBeforeDeath;
    public string Location => inner.Location;

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        if (Dead) throw new IOException("the writer is dead");
        await inner.PutAsync(key, content, ct);
        if (key.Contains("/data/", StringComparison.Ordinal)) dataPuts++;
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken ct) => Dead ? throw new IOException("the writer is dead") : inner.GetAsync(key, ct);
    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken ct) => Dead ? throw new IOException("the writer is dead") : inner.ListAsync(prefix, ct);
    public Task DeleteAsync(string key, CancellationToken ct) => Dead ? throw new IOException("the writer is dead") : inner.DeleteAsync(key, ct);
}

/// <summary>Passes every call to a real store, and cancels a token once a given number of data files were put.</summary>
public sealed class InterruptedStore(ISnapshotStore inner, int dataPutsBeforeCancel, CancellationTokenSource cancel) : ISnapshotStore
{
    private int dataPuts;
    public string Location => inner.Location;

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        await inner.PutAsync(key, content, ct);
        if (key.Contains("/data/", StringComparison.Ordinal) && ++dataPuts == dataPutsBeforeCancel) await cancel.CancelAsync();
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken ct) => inner.GetAsync(key, ct);
    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken ct) => inner.ListAsync(prefix, ct);
    public Task DeleteAsync(string key, CancellationToken ct) => inner.DeleteAsync(key, ct);
}
