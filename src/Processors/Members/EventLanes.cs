using Confluent.Kafka;
using Insights.Processors.Events;

namespace Insights.Processors.Members;

/// <summary>
/// The identity offset a member task gives the events it applies, and the source a movie owner keeps a watermark for.
/// Behind the member repartition hop every event has its own offset in one topic: the identity is that offset, the
/// source the task's partition. Reading tickets and members where they are (tickets keyed by member), a task reads two
/// topics, each with its own offsets: the identity is the event's source offset x 4 + lane, and each lane is a source of
/// its own. A ticket that waited for its session keeps its own offset: while one waits, the later tickets of its
/// partition wait behind it, so every lane's identities still rise in the order the task applies them, which is what a
/// movie owner's replay check relies on.
/// </summary>
public static class EventLanes
{
    private const int Lanes = 4;
    private const int TicketsLane = 1, MembersLane = 2;

    /// <summary>Sources of one task's lanes are this far apart: more than any partition number (Partitions is at most 1000).</summary>
    public const int Stride = 1 << 16;

    /// <summary>
    /// The first update index of a change: the changes of one source record share its identity offset, so each has a
    /// range of its own, fixed by its place in the record (an exchange's retraction from 0, its addition from this
    /// stride). Whether a change went at once or waited for its session, and whatever went before it, a replay numbers
    /// its updates the same.
    /// </summary>
    public static int FirstIndex(MemberEvent change) => change.Part * PartStride;

    private const int PartStride = 1 << 20;

    /// <summary>The identity offset of an event: read at <paramref name="read"/> (behind the hop), or at its CDC origin.</summary>
    public static long Identity(ProcessorOptions options, TopicPartitionOffset? read, MemberEvent change)
    {
        if (!options.TicketsKeyedByMember) return read?.Offset.Value ?? -1;
        var origin = change.Origin;
        if (origin.Offset < 0) return origin.Offset;
        // A member event carries a member row from the members topic; every other one a ticket from the tickets topic.
        var lane = change.Member is not null ? MembersLane : TicketsLane;
        return origin.Offset * Lanes + lane;
    }

    /// <summary>The source, as a movie owner counts them, of an update with this identity offset from this task's partition.</summary>
    public static int Source(ProcessorOptions options, int partition, long identity) =>
        options.TicketsKeyedByMember && identity >= 0 ? partition + (int)(identity % Lanes) * Stride : partition;
}
