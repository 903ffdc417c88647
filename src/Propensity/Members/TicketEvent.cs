namespace Insights.Propensity.Members;

/// <summary>A ticket sale (or its refund) for a member. Time is seconds since 1970-01-01 UTC.</summary>
public readonly record struct TicketEvent(long TicketId, int MemberId, int MovieId, long AtSeconds, bool IsRefund = false);
