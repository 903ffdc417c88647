namespace Insights.Processors.Events;

/// <summary>One event of the member-keyed stream: exactly one of Ticket or Member is set.</summary>
public sealed record MemberEvent(TicketChange? Ticket, MemberChange? Member, EventOrigin Origin)
{
    public int MemberId => Ticket?.MemberId ?? Member?.MemberId ?? throw new InvalidOperationException("member event without a change");
}
