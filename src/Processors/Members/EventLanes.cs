namespace Insights.Processors.Members;

/// <summary>
/// The identity offset a member task gives the events it applies, and the source a movie owner keeps a watermark for.
/// Behind the member repartition hop every event has its own offset in one topic: the identity is that offset, the
/// source the task's partition. Reading tickets and members where they are (tickets keyed by member), a task reads
/// three topics (tickets, members, and the repartition topic for tickets released after waiting for their session),
/// each with its own offsets: the identity is offset x 4 + lane and each lane is a source of its own, so every source's
/// identities still rise in the order the task applies them, which is what a movie owner's replay check relies on.
/// </summary>
public static class EventLanes
{
    private const int Lanes = 4;
    private const int RepartitionLane = 0, TicketsLane = 1, MembersLane = 2;

    /// <summary>Sources of one task's lanes are this far apart: more than any partition number (Partitions is at most 1000).</summary>
    public const int Stride = 1 << 16;

    /// <summary>The identity offset of an event read at <paramref name="offset"/> of <paramref name="topic"/>.</summary>
    public static long Identity(ProcessorOptions options, string? topic, long offset)
    {
        if (!options.TicketsKeyedByMember || offset < 0) return offset;
        var lane = topic == options.TicketsTopic ? TicketsLane : topic == options.MembersTopic ? MembersLane : RepartitionLane;
        return offset * Lanes + lane;
    }

    /// <summary>The source, as a movie owner counts them, of an update with this identity offset from this task's partition.</summary>
    public static int Source(ProcessorOptions options, int partition, long identity) =>
        options.TicketsKeyedByMember && identity >= 0 ? partition + (int)(identity % Lanes) * Stride : partition;
}
