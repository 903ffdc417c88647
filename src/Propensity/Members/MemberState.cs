using Insights.Propensity.Catalog;

namespace Insights.Propensity.Members;

/// <summary>
/// Everything the model keeps about one member: the time-ordered attendances keyed by ticket id (so a
/// replayed event changes nothing and a refund retracts exactly one), a time-decayed genre affinity,
/// and the audience cell. One value per member in a key-value store; see <see cref="MemberStateCodec"/>.
/// Arrays are parallel (structure of arrays) so lookups are vectorised span searches without allocation.
/// </summary>
public sealed class MemberState
{
    private long[] tickets;
    private int[] movies;
    private long[] times;
    private float[] genreAffinity;

    public MemberState(int memberId, int genreCount, byte audienceCell = Members.AudienceCell.Unknown, int capacity = 8)
    {
        if (genreCount is < 0 or > MovieCatalog.MaxGenres) throw new ArgumentOutOfRangeException(nameof(genreCount));
        MemberId = memberId;
        AudienceCell = audienceCell;
        tickets = new long[capacity];
        movies = new int[capacity];
        times = new long[capacity];
        genreAffinity = new float[genreCount];
    }

    public int MemberId { get; }

    /// <summary>Demographic cell from the member table (<see cref="Members.AudienceCell"/>); 0 when unknown.</summary>
    public byte AudienceCell { get; set; }

    /// <summary>Number of attendances held: the member's visit frequency.</summary>
    public int Count { get; private set; }

    /// <summary>Time the genre affinity vector is expressed at (it decays from there).</summary>
    public long GenreAffinityAt { get; private set; }

    /// <summary>Movie ids in time order, oldest first: the member's sequence.</summary>
    public ReadOnlySpan<int> Movies => movies.AsSpan(0, Count);

    public ReadOnlySpan<long> Times => times.AsSpan(0, Count);

    public ReadOnlySpan<long> Tickets => tickets.AsSpan(0, Count);

    /// <summary>Genre affinity as of <see cref="GenreAffinityAt"/>; read it decayed with <see cref="GenreAffinityAtTime"/>.</summary>
    public ReadOnlySpan<float> GenreAffinity => genreAffinity;

    public long? LastAt => Count == 0 ? null : times[Count - 1];

    public long? FirstAt => Count == 0 ? null : times[0];

    public bool HasSeen(int movieId) => Movies.Contains(movieId);

    public bool HoldsTicket(long ticketId) => Tickets.Contains(ticketId);

    /// <summary>
    /// Applies a ticket sale or refund. Idempotent: a sale whose ticket is already held, or a refund of a
    /// ticket not held, returns <see cref="AttendanceChange.None"/> and leaves the state byte-identical.
    /// </summary>
    public AttendanceChange Apply(in TicketEvent ticket, uint movieGenres, ModelSettings settings)
    {
        if (ticket.MemberId != MemberId)
            throw new ArgumentException($"ticket {ticket.TicketId} is for member {ticket.MemberId}, not {MemberId}", nameof(ticket));
        var held = Tickets.IndexOf(ticket.TicketId);
        if (ticket.IsRefund)
        {
            if (held < 0) return AttendanceChange.None;
            var movie = movies[held];
            var at = times[held];
            RemoveAt(held);
            AddGenres(movieGenres, at, -1, settings.GenreAffinityDecayDays);
            return new AttendanceChange(AttendanceChangeKind.Retracted, movie, at, held);
        }
        if (held >= 0) return AttendanceChange.None;
        var position = InsertionPoint(ticket.AtSeconds, ticket.MovieId, ticket.TicketId);
        InsertAt(position, ticket.TicketId, ticket.MovieId, ticket.AtSeconds);
        AddGenres(movieGenres, ticket.AtSeconds, +1, settings.GenreAffinityDecayDays);
        return new AttendanceChange(AttendanceChangeKind.Added, ticket.MovieId, ticket.AtSeconds, position);
    }

    /// <summary>
    /// Forgets the oldest attendance when the member holds more than <see cref="ModelSettings.MaxAttendances"/> (call it after
    /// each <see cref="Apply"/>, and until it returns None after a model with a lower limit takes over). The forgotten
    /// attendance is retracted like a refund (the returned change, at position 0, feeds the collective update that
    /// withdraws its pairs), except that the genre affinity keeps it: by then it has decayed behind thousands of newer
    /// ones. A later refund of its ticket finds nothing to refund.
    /// </summary>
    public AttendanceChange ForgetBeyondLimit(ModelSettings settings)
    {
        if (Count <= settings.MaxAttendances) return AttendanceChange.None;
        var movie = movies[0];
        var at = times[0];
        RemoveAt(0);
        return new AttendanceChange(AttendanceChangeKind.Retracted, movie, at, 0);
    }

    /// <summary>Affinity of genre g at time t: the stored vector decayed from <see cref="GenreAffinityAt"/>.</summary>
    public void GenreAffinityAtTime(long atSeconds, double decayDays, Span<float> destination)
    {
        var factor = atSeconds > GenreAffinityAt ? (float)Math.Exp(-(atSeconds - GenreAffinityAt) / (decayDays * 86400)) : 1f;
        for (var g = 0; g < genreAffinity.Length; g++) destination[g] = genreAffinity[g] * factor;
    }

    // Events arrive almost always in time order, so search from the end.
    private int InsertionPoint(long at, int movie, long ticket)
    {
        var i = Count;
        while (i > 0 && Compare(times[i - 1], movies[i - 1], tickets[i - 1], at, movie, ticket) > 0) i--;
        return i;
    }

    private static int Compare(long atA, int movieA, long ticketA, long atB, int movieB, long ticketB) =>
        atA != atB ? atA.CompareTo(atB) : movieA != movieB ? movieA.CompareTo(movieB) : ticketA.CompareTo(ticketB);

    private void InsertAt(int position, long ticket, int movie, long at)
    {
        if (Count == tickets.Length)
        {
            var capacity = Math.Max(8, tickets.Length * 2);
            Array.Resize(ref tickets, capacity);
            Array.Resize(ref movies, capacity);
            Array.Resize(ref times, capacity);
        }
        var tail = Count - position;
        if (tail > 0)
        {
            Array.Copy(tickets, position, tickets, position + 1, tail);
            Array.Copy(movies, position, movies, position + 1, tail);
            Array.Copy(times, position, times, position + 1, tail);
        }
        tickets[position] = ticket;
        movies[position] = movie;
        times[position] = at;
        Count++;
    }

    private void RemoveAt(int position)
    {
        var tail = Count - position - 1;
        if (tail > 0)
        {
            Array.Copy(tickets, position + 1, tickets, position, tail);
            Array.Copy(movies, position + 1, movies, position, tail);
            Array.Copy(times, position + 1, times, position, tail);
        }
        Count--;
    }

    // The vector is kept at the newest time seen: a newer event decays it forward, an older one (late
    // arrival or refund) enters already decayed, so the result does not depend on arrival order.
    private void AddGenres(uint genres, long at, int sign, double decayDays)
    {
        var scale = decayDays * 86400;
        if (at > GenreAffinityAt)
        {
            var factor = GenreAffinityAt == 0 && IsZero(genreAffinity) ? 0f : (float)Math.Exp(-(at - GenreAffinityAt) / scale);
            for (var g = 0; g < genreAffinity.Length; g++) genreAffinity[g] *= factor;
            GenreAffinityAt = at;
        }
        var weight = sign * (float)Math.Exp(-(GenreAffinityAt - at) / scale);
        for (var g = 0; g < genreAffinity.Length; g++)
        {
            if ((genres & (1u << g)) == 0) continue;
            genreAffinity[g] = Math.Max(0f, genreAffinity[g] + weight);
        }
        if (Count == 0)
        {
            Array.Clear(genreAffinity);
            GenreAffinityAt = 0;
        }
    }

    private static bool IsZero(float[] values)
    {
        foreach (var v in values) if (v != 0f) return false;
        return true;
    }

    /// <summary>Restores a state from its parts (used by the codec, which validates them).</summary>
    internal static MemberState Restore(int memberId, byte cell, long[] tickets, int[] movies, long[] times, int count,
        float[] genreAffinity, long genreAffinityAt)
    {
        var state = new MemberState(memberId, genreAffinity.Length, cell, 0)
        {
            tickets = tickets, movies = movies, times = times, genreAffinity = genreAffinity,
            Count = count, GenreAffinityAt = genreAffinityAt,
        };
        return state;
    }
}
