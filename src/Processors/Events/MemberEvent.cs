namespace Insights.Processors.Events;

/// <summary>One event of the member-keyed stream: exactly one of Ticket or Member is set.</summary>
public sealed record MemberEvent(TicketChange? Ticket, MemberChange? Member, EventOrigin Origin)
{
    /// <summary>
    /// The change's place among the changes of its source record: 0, or 1 for the addition of a transfer or exchange,
    /// which retracts the before image first. It fixes the change's range of update indexes (<see cref="Members.EventLanes"/>).
    /// </summary>
    public int Part { get; init; }

    public int MemberId => Ticket?.MemberId ?? Member?.MemberId ?? throw new InvalidOperationException("member event without a change");
}
