namespace Insights.Propensity.Members;

public enum AttendanceChangeKind : byte
{
    /// <summary>The event was already applied (a replay) or refunds a ticket the member does not hold.</summary>
    None = 0,
    Added = 1,
    Retracted = 2,
}

/// <summary>
/// What applying a ticket event did to a member's sequence. Position is the index the attendance has
/// (Added) or had (Retracted) in the time-ordered sequence, so the collective update can find its neighbours.
/// </summary>
public readonly record struct AttendanceChange(AttendanceChangeKind Kind, int MovieId, long AtSeconds, int Position)
{
    public static AttendanceChange None => default;
}
