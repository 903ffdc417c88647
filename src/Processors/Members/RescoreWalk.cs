using System.Text;
using Insights.Processors.Topology;
using Streamiz.Kafka.Net.State;

namespace Insights.Processors.Members;

/// <summary>
/// One member task's share of a rescore command: every member in its store is sent again once, a batch per flush,
/// whether or not its version or content changed since the update last sent. Which command the task handled is kept in
/// the member store under <see cref="HandledKey"/>, written with the walk's last batch: the store is logged, so the mark
/// moves with the task and survives a restart. A command handled before a restart is not walked again; one that arrived
/// while the task was down is walked when it comes back; a walk cut short by a crash before its last batch was committed
/// starts over, which only sends the same updates again.
/// </summary>
public sealed class RescoreWalk(RescoreRequests requests, int batch)
{
    /// <summary>The member store's key of the handled command's id; member keys are decimal digits, so it names no member.</summary>
    public const string HandledKey = "~rescore-handled";

    private readonly Queue<string> queue = new();
    private string? walking;
    private string? handled;
    private bool handledRead;

    /// <summary>
    /// The member records of the store, without the task's own marks (this walk's <see cref="HandledKey"/>,
    /// <see cref="OutboxWatermarks.Key"/>): their keys start with '~', member keys are decimal digits.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, byte[]>> Members(IKeyValueStore<string, byte[]> store) =>
        StoreEntries.Of(store).Where(entry => !entry.Key.StartsWith('~'));

    /// <summary>
    /// The members to send again in this flush: none when no command is owed. The store must be restored. Marks the
    /// command handled with its last batch, which the caller flushes before the task's next commit.
    /// </summary>
    public HashSet<string> NextRound(IKeyValueStore<string, byte[]> store)
    {
        var round = new HashSet<string>(StringComparer.Ordinal);
        if (requests.Latest is not { } command)
        {
            queue.Clear();
            walking = null;
            return round;
        }
        if (!handledRead)
        {
            handled = store.Get(HandledKey) is { } mark ? Encoding.UTF8.GetString(mark) : null;
            handledRead = true;
        }
        if (command.Id == handled) return round;
        if (walking != command.Id)
        {
            // A newer command replaces a walk in progress: it asks for the same, later.
            walking = command.Id;
            queue.Clear();
            foreach (var entry in Members(store)) queue.Enqueue(entry.Key);
        }
        for (var n = 0; n < batch && queue.TryDequeue(out var key); n++) round.Add(key);
        if (queue.Count == 0)
        {
            store.Put(HandledKey, Encoding.UTF8.GetBytes(command.Id));
            handled = command.Id;
            walking = null;
        }
        return round;
    }
}
