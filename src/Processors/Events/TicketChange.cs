using Insights.Contracts.Scores;

namespace Insights.Processors.Events;

/// <summary>
/// A ticket row change reduced to what the model needs. Retract is true for a refund or a delete: both take
/// the attendance away. MovieId is 0 until the session lookup resolves it.
/// </summary>
public sealed record TicketChange(long TicketId, int MemberId, int SessionId, long AtSeconds, bool Retract, SourcePosition Source)
{
    public int MovieId { get; init; }
}
