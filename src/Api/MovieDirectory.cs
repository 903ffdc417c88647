using System.Collections.Concurrent;
using Insights.Contracts.Cinema;
using Insights.Contracts.Debezium;

namespace Insights.Api;

/// <summary>
/// Each movie's title and status, kept from the movies CDC topic (Debezium envelopes, in topic order):
/// what the page's picker lists. Only ids, titles and statuses are held: no personal data is on that table.
/// </summary>
public sealed class MovieDirectory
{
    private readonly ConcurrentDictionary<int, MovieEntry> movies = new();

    public int Count => movies.Count;

    /// <summary>Applies one record value; a tombstone (null) changes nothing because the delete event before it already did.</summary>
    public void Apply(ReadOnlySpan<byte> value)
    {
        if (ChangeEnvelope.Parse(value) is not { } change) return;
        var row = MovieRow.Read(change.Row);
        if (change.Op == ChangeOperation.Delete) movies.TryRemove(row.MovieId, out _);
        else movies[row.MovieId] = new MovieEntry(row.MovieId, row.Title, row.Status);
    }

    /// <summary>Movies that are now showing or coming soon: now showing first, then by title.</summary>
    public IReadOnlyList<MovieEntry> Candidates() => movies.Values
        .Where(m => m.Status is MovieRow.NowShowing or MovieRow.ComingSoon)
        .OrderBy(m => m.Status == MovieRow.NowShowing ? 0 : 1).ThenBy(m => m.Title, StringComparer.OrdinalIgnoreCase).ThenBy(m => m.MovieId)
        .ToList();
}

/// <summary>One movie as the picker shows it.</summary>
public sealed record MovieEntry(int MovieId, string Title, string Status);

/// <summary>The answer of `GET /movies`.</summary>
public sealed record MoviesAnswer(IReadOnlyList<MovieEntry> Movies);
