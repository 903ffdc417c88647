using Insights.Processors.Movies;

namespace Insights.Processors.Tests.Movies;

public sealed class SessionMoviesTests
{
    private static readonly DateTime Opening = new(2023, 1, 1, 20, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(400);

    private static long Ms(DateTime at) => new DateTimeOffset(at).ToUnixTimeMilliseconds();

    /// <summary>A session scheduled a week ahead of its showtime, as a cinema publishes its listings.</summary>
    private static SessionEntry Scheduled(int movie, DateTime startsAt) => new(movie, Ms(startsAt), Ms(startsAt.AddDays(-7)));

    [Fact]
    public void Years_of_daily_showtimes_hold_only_the_sessions_within_the_retention()
    {
        var sessions = new SessionMovies(Retention);
        const int perDay = 50;
        var days = 3 * 365;
        var largest = 0;
        for (var day = 0; day < days; day++)
            for (var i = 0; i < perDay; i++)
            {
                sessions.Apply(day * perDay + i + 1, Scheduled(1 + i % 7, Opening.AddDays(day)));
                largest = Math.Max(largest, sessions.Indexed);
            }

        // The clock is the newest change (a week before the last showtime): the retention plus the week of listings ahead is held.
        var held = Enumerable.Range(0, days).Count(day => Opening.AddDays(day) >= Opening.AddDays(days - 1 - 7) - Retention) * perDay;
        Assert.Equal(held, sessions.Count);
        Assert.Equal(days * perDay - held, sessions.Expired);
        Assert.InRange(largest, 0, held + perDay);
        Assert.Null(sessions.MovieOf(1));
        Assert.Equal(1 + (perDay - 1) % 7, sessions.MovieOf(days * perDay));
    }

    [Fact]
    public void A_deleted_session_leaves_the_map()
    {
        var sessions = new SessionMovies(Retention);
        sessions.Apply(5, Scheduled(3, Opening));
        Assert.Equal(3, sessions.MovieOf(5));

        sessions.Apply(5, null);

        Assert.Null(sessions.MovieOf(5));
        Assert.Equal(0, sessions.Count);
    }

    [Fact]
    public void A_session_whose_showtime_is_already_past_the_retention_is_not_taken_in()
    {
        var sessions = new SessionMovies(Retention);
        sessions.Apply(1, Scheduled(1, Opening.AddDays(500)));

        sessions.Apply(2, new SessionEntry(2, Ms(Opening), Ms(Opening.AddDays(493))));

        Assert.Null(sessions.MovieOf(2));
        Assert.Equal(1, sessions.Expired);
        Assert.Equal(Ms(Opening.AddDays(493)) - (long)Retention.TotalMilliseconds, sessions.HorizonMs);
    }

    [Fact]
    public void A_showtime_typed_far_ahead_moves_the_clock_only_to_its_commit()
    {
        var sessions = new SessionMovies(Retention);
        sessions.Apply(1, Scheduled(1, Opening));

        sessions.Apply(2, new SessionEntry(2, Ms(new DateTime(2099, 1, 1, 0, 0, 0, DateTimeKind.Utc)), Ms(Opening.AddDays(1))));

        Assert.Equal(1, sessions.MovieOf(1));
        Assert.Equal(2, sessions.MovieOf(2));
    }

    [Fact]
    public void A_history_loaded_today_keeps_its_own_time()
    {
        // The demo inserts 1997's sessions now: their commits are recent, their showtimes set the clock.
        var sessions = new SessionMovies(Retention);
        var loadedAt = Ms(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc));
        var showtime = new DateTime(1997, 9, 20, 19, 30, 0, DateTimeKind.Utc);

        for (var day = 0; day < 200; day++) sessions.Apply(day + 1, new SessionEntry(1, Ms(showtime.AddDays(day)), loadedAt));

        Assert.Equal(200, sessions.Count);
    }

    [Fact]
    public void A_session_moved_to_a_later_showtime_is_kept_by_its_new_one()
    {
        var sessions = new SessionMovies(Retention);
        sessions.Apply(1, Scheduled(1, Opening));
        sessions.Apply(1, Scheduled(1, Opening.AddDays(100)));

        // Past the old showtime's retention, within the new one's.
        sessions.Apply(2, Scheduled(2, Opening.AddDays(450)));

        Assert.Equal(1, sessions.MovieOf(1));
        Assert.Equal(0, sessions.Expired);
        Assert.Equal(2, sessions.Indexed);
    }

    [Fact]
    public void No_session_is_dropped_before_one_was_applied()
    {
        Assert.Equal(long.MinValue, new SessionMovies(Retention).HorizonMs);
    }
}
