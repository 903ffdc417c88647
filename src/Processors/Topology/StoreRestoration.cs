using System.Collections.Concurrent;

namespace Insights.Processors.Topology;

/// <summary>
/// Which task stores of this process have been restored from their changelogs. Streamiz 1.8.2 initialises a
/// task's processors, and runs their wall-clock punctuations, before it restores the task's stores, so a
/// punctuation that walks or edits a store (the rescore walk after a start or a model roll, the retry of
/// waiting tickets) must wait until its store partition's restore has ended, or it sees a partial store.
/// A processor that has been handed a record knows it too (Streamiz processes only restored tasks), so it
/// does not depend on this report alone.
/// </summary>
public sealed class StoreRestoration
{
    private readonly ConcurrentDictionary<(string Store, int Partition), bool> restored = new();

    /// <summary>A task's processor starts on the store partition: not restored until Streamiz says so.</summary>
    public void Begin(string store, int partition) => restored[(store, partition)] = false;

    /// <summary>Streamiz finished restoring the store partition (also raised when there was nothing to restore).</summary>
    public void Ended(string store, int partition) => restored[(store, partition)] = true;

    public bool IsRestored(string store, int partition) => restored.TryGetValue((store, partition), out var done) && done;
}
