namespace Insights.Processors.Hosting;

/// <summary>What a worker observes of one Streamiz stream thread at one moment.</summary>
/// <param name="Name">The thread's name, for the reason text.</param>
/// <param name="State">Streamiz's thread state (CREATED, STARTING, PARTITIONS_REVOKED, PARTITIONS_ASSIGNED, RUNNING, PENDING_SHUTDOWN, DEAD).</param>
/// <param name="RebalanceInProgress">The thread's task manager is revoking or creating tasks right now.</param>
/// <param name="TaskStates">The state of each active task (CREATED, RESTORING, RUNNING, SUSPENDED, CLOSED).</param>
/// <param name="LastPoll">When the thread's main consumer last polled Kafka; null before its first poll.</param>
public sealed record ThreadFacts(string Name, string State, bool RebalanceInProgress, IReadOnlyList<string> TaskStates, DateTimeOffset? LastPoll)
{
    public int Count(string taskState) => TaskStates.Count(s => s == taskState);
}

/// <summary>What a worker observes of its stream at one moment: the input of <see cref="StreamReadiness.Decide"/>.</summary>
/// <param name="StreamState">KafkaStream's state (CREATED, REBALANCING, RUNNING, PENDING_SHUTDOWN, NOT_RUNNING, ERROR).</param>
/// <param name="Threads">Every stream thread of this instance.</param>
/// <param name="AssignedPartitions">Partitions the consumer group assigned this instance in its latest assignments; null before the first.</param>
/// <param name="Now">The moment of the observation.</param>
public sealed record StreamFacts(string StreamState, IReadOnlyList<ThreadFacts> Threads, int? AssignedPartitions, DateTimeOffset Now);

/// <summary>Why a worker is not ready: a kind to act on (and log once) and one line for /readyz.</summary>
public sealed record NotReady(NotReadyKind Kind, string Reason)
{
    public override string ToString() => Reason;
}

public enum NotReadyKind { Starting, Rebalancing, WaitingForAssignment, Idle, Restoring, NoRunningTask, PollStalled, Stopped, Failed }

/// <summary>
/// Whether a worker does its work, decided from observed facts only (so it can be specified without a broker).
/// Streamiz's own state is RUNNING in cases where nothing is processed: while tasks restore from their changelogs
/// (a thread is RUNNING again before its restoration ends), after a failed commit dropped every task of a thread
/// (the group coordinator answered "Group rebalance in progress"; the thread stays RUNNING and rejoins), and when the
/// group assigned this instance nothing. So a worker is ready when the stream is
/// RUNNING, no thread is between a revocation and an assignment, it holds at least one task, every task is RUNNING,
/// and every thread holding tasks has polled Kafka within the stall limit.
/// </summary>
public static class StreamReadiness
{
    public const string Running = "RUNNING";
    public const string Restoring = "RESTORING";
    public const string Created = "CREATED";
    private static readonly string[] ThreadsRebalancing = ["PARTITIONS_REVOKED", "PARTITIONS_ASSIGNED"];

    /// <summary>Null when ready, else why not.</summary>
    public static NotReady? Decide(StreamFacts facts, TimeSpan pollStallLimit)
    {
        switch (facts.StreamState)
        {
            case Running: break;
            case "REBALANCING": return new(NotReadyKind.Rebalancing, "rebalancing: the stream is REBALANCING");
            case "CREATED": return new(NotReadyKind.Starting, "starting: the stream is CREATED");
            case "ERROR": return new(NotReadyKind.Failed, "failed: the stream is in ERROR");
            default: return new(NotReadyKind.Stopped, $"stopped: the stream is {facts.StreamState}");
        }
        if (facts.Threads.FirstOrDefault(t => t.RebalanceInProgress || ThreadsRebalancing.Contains(t.State)) is { } moving)
            return new(NotReadyKind.Rebalancing, $"rebalancing: stream thread {moving.Name} is {moving.State}");

        var tasks = facts.Threads.Sum(t => t.TaskStates.Count);
        if (tasks == 0)
            return facts.AssignedPartitions switch
            {
                null => new(NotReadyKind.WaitingForAssignment, "waiting for the consumer group to assign partitions"),
                0 => new(NotReadyKind.Idle, "idle: the consumer group assigned this worker no partitions (more workers than partitions)"),
                var assigned => new(NotReadyKind.NoRunningTask,
                    $"no running task: {assigned} partitions assigned but no task holds them (dropped after a failed commit or a lost assignment; the thread rejoins the group)"),
            };

        // A task is CREATED until the thread's restore phase picks it up, then RESTORING until its stores caught up.
        var restoring = facts.Threads.Sum(t => t.Count(Created) + t.Count(Restoring));
        if (restoring > 0)
            return new(NotReadyKind.Restoring, $"restoring: {restoring} of {tasks} tasks are not restored yet ({Tally(facts, s => s != Running)})");
        var running = facts.Threads.Sum(t => t.Count(Running));
        if (running < tasks)
            return new(NotReadyKind.NoRunningTask, running == 0
                ? $"no running task: {tasks} tasks, {Tally(facts, _ => true)}"
                : $"not every task runs: {running} of {tasks} RUNNING, {Tally(facts, s => s != Running)}");

        foreach (var thread in facts.Threads.Where(t => t.TaskStates.Count > 0))
        {
            // A thread that has not polled yet has just finished its restoration; its first poll follows at once.
            if (thread.LastPoll is not { } polled) continue;
            var quiet = facts.Now - polled;
            if (quiet > pollStallLimit)
                return new(NotReadyKind.PollStalled,
                    $"no poll for {quiet.TotalSeconds:0} s: stream thread {thread.Name} holds {thread.TaskStates.Count} tasks (limit {pollStallLimit.TotalSeconds:0} s)");
        }
        return null;
    }

    /// <summary>"1 CREATED, 2 RESTORING": the tasks whose state matches, counted by state.</summary>
    private static string Tally(StreamFacts facts, Func<string, bool> which) =>
        string.Join(", ", facts.Threads.SelectMany(t => t.TaskStates).Where(which)
            .GroupBy(s => s).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
}
