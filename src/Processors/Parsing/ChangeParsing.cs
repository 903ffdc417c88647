using Insights.Contracts.Cinema;
using Insights.Contracts.Debezium;
using Insights.Contracts.Scores;
using Insights.Processors.Events;
using Insights.Processors.Movies;
using Insights.Propensity.Catalog;
using Insights.Propensity.Members;

namespace Insights.Processors.Parsing;

/// <summary>
/// Turns Debezium change-event values of the four cinema tables into the processors' events. A null result
/// is a tombstone (nothing to do: the delete event before it carried the change); anything malformed
/// throws a FormatException whose message becomes the dead letter's reason.
/// </summary>
public static class ChangeParsing
{
    /// <summary>
    /// Ids above this are refused: the model indexes movies by id in arrays, so a stray 2,000,000,000 would allocate
    /// billions of slots on every worker.
    /// </summary>
    public const int MaxMovieId = 1_000_000;

    /// <summary>
    /// The attendance changes of one ticket event, in the order to apply them. An update that moves the ticket to
    /// another member (a transfer) or session (an exchange) first retracts the before image, then applies the after.
    /// </summary>
    public static IReadOnlyList<TicketChange> Tickets(byte[]? value) =>
        ChangeEnvelope.Read(value ?? [], static change => change is null ? [] : Tickets(Applicable(change)));

    private static IReadOnlyList<TicketChange> Tickets(ChangeEnvelope change)
    {
        var source = Position(change.Source);
        var after = Ticket(TicketRow.Read(change.Row), change.Op == ChangeOperation.Delete, source);
        if (change.Op != ChangeOperation.Update || change.Before is not { } beforeImage || change.After is null) return [after];
        var before = Ticket(TicketRow.Read(beforeImage), retract: true, source);
        if (before.TicketId != after.TicketId) throw new FormatException($"ticket update changes the ticket id from {before.TicketId} to {after.TicketId}");
        return before.MemberId == after.MemberId && before.SessionId == after.SessionId ? [after] : [before, after];
    }

    private static TicketChange Ticket(TicketRow row, bool retract, SourcePosition source)
    {
        if (row.Status is not (TicketRow.Purchased or TicketRow.Refunded))
            throw new FormatException($"ticket {row.TicketId} has unknown status '{row.Status}'");
        RequireId("member", row.MemberId, int.MaxValue);
        RequireId("session", row.SessionId, int.MaxValue);
        var at = new DateTimeOffset(DateTime.SpecifyKind(row.PurchasedAt, DateTimeKind.Utc)).ToUnixTimeSeconds();
        return new TicketChange(row.TicketId, row.MemberId, row.SessionId, at, retract || row.IsRefunded, source);
    }

    private static void RequireId(string what, long id, long max)
    {
        if (id < 1 || id > max) throw new FormatException($"{what} id {id} is out of range 1..{max}");
    }

    /// <summary>A session's movie and showtime, or (id, null) when the session was deleted.</summary>
    public static (int SessionId, SessionEntry? Entry)? Session(byte[]? value) =>
        ChangeEnvelope.Read(value ?? [], static change => change is null ? null : Session(Applicable(change)));

    private static (int SessionId, SessionEntry? Entry)? Session(ChangeEnvelope change)
    {
        var row = SessionRow.Read(change.Row);
        RequireId("session", row.SessionId, int.MaxValue);
        RequireId("movie", row.MovieId, MaxMovieId);
        if (change.Op == ChangeOperation.Delete) return (row.SessionId, null);
        var startsAt = new DateTimeOffset(DateTime.SpecifyKind(row.StartsAt, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
        return (row.SessionId, new SessionEntry(row.MovieId, startsAt, change.Source.TsMs > 0 ? change.Source.TsMs : change.TsMs));
    }

    /// <summary>A catalog entry; a deleted movie stays in the catalog as archived, so it is never a candidate again.</summary>
    public static CatalogEntry? Movie(byte[]? value, IReadOnlyList<string> genreNames) =>
        ChangeEnvelope.Read(value ?? [], change => change is null ? null : Movie(Applicable(change), genreNames));

    private static CatalogEntry Movie(ChangeEnvelope change, IReadOnlyList<string> genreNames)
    {
        var row = MovieRow.Read(change.Row);
        RequireId("movie", row.MovieId, MaxMovieId);
        uint genres = 0;
        foreach (var genre in row.Genres)
        {
            var index = IndexOf(genreNames, genre);
            if (index < 0) throw new FormatException($"movie {row.MovieId} has unknown genre '{genre}'");
            genres |= 1u << index;
        }
        var status = change.Op == ChangeOperation.Delete ? MovieStatus.Archived : row.Status switch
        {
            MovieRow.ComingSoon => MovieStatus.ComingSoon,
            MovieRow.NowShowing => MovieStatus.NowShowing,
            MovieRow.Archived => MovieStatus.Archived,
            _ => throw new FormatException($"movie {row.MovieId} has unknown status '{row.Status}'"),
        };
        int? releaseDay = row.ReleaseDate is { } date ? date.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber : null;
        return new CatalogEntry(new Movie(row.MovieId, genres, releaseDay, status), change.Source.TsMs);
    }

    /// <summary>A member change with coarse demographics only: the name, email and postcode are read and dropped here.</summary>
    public static MemberChange? Member(byte[]? value) =>
        ChangeEnvelope.Read(value ?? [], static change => change is null ? null : Member(Applicable(change)));

    private static MemberChange Member(ChangeEnvelope change)
    {
        var row = MemberRow.Read(change.Row);
        RequireId("member", row.MemberId, int.MaxValue);
        if (change.Op == ChangeOperation.Delete)
            return new MemberChange(row.MemberId, true, AudienceCell.Unknown, null, Position(change.Source));
        var eventYear = DateTimeOffset.FromUnixTimeMilliseconds(change.Source.TsMs > 0 ? change.Source.TsMs : change.TsMs).Year;
        int? age = row.BirthYear is { } year && year <= eventYear ? eventYear - year : null;
        var gender = row.Gender;
        var cell = AudienceCell.Of(gender is { Length: > 0 } ? gender[0] : '?', age);
        var demographics = age is null && gender is null ? null : new MemberDemographics { AgeBand = age is { } a ? AgeBands.Of(a) : null, Gender = gender };
        return new MemberChange(row.MemberId, false, cell, demographics, Position(change.Source));
    }

    /// <summary>
    /// The change, read inside its parse (<see cref="ChangeEnvelope.Read{T}"/>: its row images are valid only there, and
    /// nothing is copied), unless it is one the processors do not apply.
    /// </summary>
    private static ChangeEnvelope Applicable(ChangeEnvelope change) => change.Op == ChangeOperation.Truncate
        ? throw new FormatException("truncate events are not applied: re-snapshot the table instead")
        : change;

    private static SourcePosition Position(SourceInfo source) => new()
    {
        Gtid = source.Gtid, File = source.File, Pos = source.Pos, Row = source.Row, TsMs = source.TsMs,
    };

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++) if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}
