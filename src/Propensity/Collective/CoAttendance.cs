using Insights.Propensity.Members;

namespace Insights.Propensity.Collective;

/// <summary>
/// The collective side of one member's attendance change: the movie, when, +1 (sale) or -1 (refund),
/// the member's audience cell, and the member's other movies before and after it in time order. A
/// member-partitioned processor emits it to the movie-partitioned collective state.
/// </summary>
public readonly ref struct CoAttendance(int movieId, long atSeconds, int sign, byte audienceCell, ReadOnlySpan<int> before, ReadOnlySpan<int> after)
{
    public int MovieId { get; } = movieId;
    public long AtSeconds { get; } = atSeconds;
    public int Sign { get; } = sign;
    public byte AudienceCell { get; } = audienceCell;
    public ReadOnlySpan<int> Before { get; } = before;
    public ReadOnlySpan<int> After { get; } = after;

    /// <summary>The update for a change the member state just made; default (Sign 0) for no change.</summary>
    public static CoAttendance From(MemberState member, AttendanceChange change) => change.Kind switch
    {
        AttendanceChangeKind.Added => new(change.MovieId, change.AtSeconds, +1, member.AudienceCell,
            member.Movies[..change.Position], member.Movies[(change.Position + 1)..]),
        AttendanceChangeKind.Retracted => new(change.MovieId, change.AtSeconds, -1, member.AudienceCell,
            member.Movies[..change.Position], member.Movies[change.Position..]),
        _ => default,
    };
}
