using Insights.Evaluation.Data;
using Insights.Propensity;
using Insights.Propensity.Collective;
using Insights.Propensity.Members;

namespace Insights.Evaluation.Training;

/// <summary>
/// Feeds attendances, one event at a time, through the same member and collective state code the stream
/// processors run. Each attendance becomes a ticket whose id is its replay sequence number. Staleness is
/// passed to <see cref="CollectiveState"/>: 0 for exact neighbour lists (LLO, scored once after the replay),
/// more when scoring between events (prequential), where exact lists would be rebuilt at every event.
/// </summary>
public sealed class StreamingReplay(Dataset dataset, ModelSettings settings, double staleness = 0)
{
    private long nextTicket = 1;

    public Dataset Dataset { get; } = dataset;
    public ModelSettings Settings { get; } = settings.Validated();

    // Evaluations read popularity at each member's own time, months back: keep the whole timeline.
    public CollectiveState Collective { get; } = new(settings, staleness, timelineRetentionDays: 1_000_000);

    public Dictionary<int, MemberState> Members { get; } = [];

    public MemberState MemberOf(int memberId)
    {
        if (!Members.TryGetValue(memberId, out var member))
            Members[memberId] = member = new MemberState(memberId, Dataset.Catalog.GenreNames.Count, Dataset.AudienceCellOf(memberId));
        return member;
    }

    public void Apply(Attendance attendance)
    {
        var member = MemberOf(attendance.MemberId);
        var change = member.Apply(new TicketEvent(nextTicket++, attendance.MemberId, attendance.MovieId, attendance.AtSeconds), GenresOf(attendance.MovieId), Settings);
        Collective.Apply(CoAttendance.From(member, change));
        Collective.Apply(CoAttendance.From(member, member.ForgetBeyondLimit(Settings)));
    }

    /// <summary>Refunds a ticket the member holds: the member and collective state drop the attendance as if it never happened.</summary>
    public void Refund(int memberId, long ticketId)
    {
        var member = MemberOf(memberId);
        var index = member.Tickets.IndexOf(ticketId);
        if (index < 0) throw new ArgumentException($"member {memberId} holds no ticket {ticketId}", nameof(ticketId));
        var movie = member.Movies[index];
        var change = member.Apply(new TicketEvent(ticketId, memberId, movie, member.Times[index], IsRefund: true), GenresOf(movie), Settings);
        Collective.Apply(CoAttendance.From(member, change));
    }

    /// <summary>The movie's genre bits; none for a movie the catalog does not hold.</summary>
    private uint GenresOf(int movieId) => Dataset.Catalog.Find(movieId)?.Genres ?? 0;

    public void ApplyAll(IReadOnlyList<Attendance> attendances, Action<double>? progress = null)
    {
        for (var i = 0; i < attendances.Count; i++)
        {
            Apply(attendances[i]);
            if (progress is not null && (i & 4095) == 0) progress((double)i / attendances.Count);
        }
        progress?.Invoke(1);
    }
}
