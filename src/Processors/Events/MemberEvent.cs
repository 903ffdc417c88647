namespace Insights.Processors.Events;

/// <summary>One event of the member-keyed stream: exactly one of Ticket or Member is set.</summary>
public sealed record MemberEvent(TicketChange? Ticket, MemberChange? Member, EventOrigin Origin)
{
    /// <summary>The ticket waited for its session and was released by a later punctuation, not by its own record.</summary>
    public bool Waited { get; init; }

    public int MemberId => Ticket?.MemberId ?? Member?.MemberId ?? throw new InvalidOperationException("member event without a change");
}
