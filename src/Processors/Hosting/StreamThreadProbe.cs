using System.Collections;
using System.Reflection;
using Streamiz.Kafka.Net;

namespace Insights.Processors.Hosting;

/// <summary>
/// Reads each stream thread's state, its active tasks' states and its last poll from a KafkaStream. Streamiz 1.8.2
/// exposes none of them (no thread or task metadata; its poll sensor ticks even while the thread skips polling to
/// restore), so they are read from its internals by name: KafkaStream.threads, StreamThread.State/Name/ActiveTasks/
/// Manager/lastPollMs, TaskManager.RebalanceInProgress, ITask.State. The names are checked once, when the probe is
/// built, so a Streamiz upgrade that renames them fails at start (and in ScoringStreamReadinessTests), not silently.
/// </summary>
internal sealed class StreamThreadProbe
{
    private const BindingFlags Members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
    private static readonly Assembly Streamiz = typeof(KafkaStream).Assembly;
    private static readonly FieldInfo Threads = Field(typeof(KafkaStream), "threads");
    private static readonly Type StreamThread = InternalType("Streamiz.Kafka.Net.Processors.StreamThread");
    private static readonly PropertyInfo ThreadName = Property(StreamThread, "Name");
    private static readonly PropertyInfo ThreadState = Property(StreamThread, "State");
    private static readonly PropertyInfo ActiveTasks = Property(StreamThread, "ActiveTasks");
    private static readonly PropertyInfo Manager = Property(StreamThread, "Manager");
    private static readonly FieldInfo LastPollMs = Field(StreamThread, "lastPollMs");
    private static readonly PropertyInfo RebalanceInProgress = Property(InternalType("Streamiz.Kafka.Net.Processors.Internal.TaskManager"), "RebalanceInProgress");
    private static readonly PropertyInfo TaskState = Property(InternalType("Streamiz.Kafka.Net.Processors.ITask"), "State");

    private readonly object[] threads;

    public StreamThreadProbe(KafkaStream stream)
    {
        threads = ((Array)Threads.GetValue(stream)!).Cast<object>().ToArray();
        if (threads.Any(t => !StreamThread.IsInstanceOfType(t)))
            throw new InvalidOperationException($"Streamiz {Streamiz.GetName().Version}: a stream thread is not a {StreamThread.FullName}; readiness cannot observe it");
    }

    public IReadOnlyList<ThreadFacts> Read() => [.. threads.Select(Read)];

    private static ThreadFacts Read(object thread)
    {
        var tasks = ((IEnumerable)ActiveTasks.GetValue(thread)!).Cast<object>().Select(t => TaskState.GetValue(t)!.ToString()!).ToList();
        // Streamiz stamps its polls in Unix milliseconds (UTC); 0 until the first poll.
        var polled = (long)LastPollMs.GetValue(thread)!;
        return new ThreadFacts(
            (string)ThreadName.GetValue(thread)!,
            ThreadState.GetValue(thread)!.ToString()!,
            (bool)RebalanceInProgress.GetValue(Manager.GetValue(thread))!,
            tasks,
            polled > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(polled) : null);
    }

    private static Type InternalType(string name) => Streamiz.GetType(name) ?? throw Moved(name);

    private static FieldInfo Field(Type type, string name) => type.GetField(name, Members) ?? throw Moved($"{type.FullName}.{name}");

    private static PropertyInfo Property(Type type, string name) => type.GetProperty(name, Members) ?? throw Moved($"{type.FullName}.{name}");

    private static InvalidOperationException Moved(string member) =>
        new($"Streamiz {Streamiz.GetName().Version} has no {member}: the worker's readiness reads it (src/Processors/Hosting/StreamThreadProbe.cs) and must be adapted to this version");
}
