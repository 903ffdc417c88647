using System.Text;
using Insights.Processors.Movies;

namespace Insights.Processors.Tests.Movies;

public sealed class SessionEntryTests
{
    [Fact]
    public void An_entry_reads_back_as_written()
    {
        var entry = new SessionEntry(999_999, 1_767_297_600_000, 1_766_692_800_000);

        Assert.Equal(entry, SessionEntry.Decode(entry.Encode()));
    }

    [Fact]
    public void A_value_holding_only_the_movie_id_is_a_session_without_a_showtime_that_never_expires_nor_moves_the_clock()
    {
        var entry = SessionEntry.Decode(Encoding.ASCII.GetBytes("42"));

        Assert.Equal(42, entry.MovieId);
        var sessions = new SessionMovies(TimeSpan.FromDays(1));
        sessions.Apply(1, entry);
        sessions.Apply(2, new SessionEntry(7, 10L * 365 * 86_400_000, 10L * 365 * 86_400_000));
        Assert.Equal(42, sessions.MovieOf(1));
        Assert.Equal(10L * 365 * 86_400_000 - 86_400_000, sessions.HorizonMs);
    }

    [Theory]
    [InlineData(new byte[] { 2, 1, 1, 1 }, "session entry version 2 is not supported")]
    [InlineData(new byte[] { 1, 1 }, "session entry bytes end early")]
    [InlineData(new byte[] { (byte)'4', (byte)'x' }, "is not a movie id")]
    public void A_damaged_value_is_a_format_error_naming_what_is_wrong(byte[] bytes, string reason)
    {
        Assert.Contains(reason, Assert.Throws<FormatException>(() => SessionEntry.Decode(bytes)).Message);
    }
}
