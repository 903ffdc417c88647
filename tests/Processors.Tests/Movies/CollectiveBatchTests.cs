using Insights.Contracts.Cinema;
using Insights.Processors.Movies;
using Insights.Propensity;
using Insights.Propensity.Members;

namespace Insights.Processors.Tests.Movies;

/// <summary>What a member task sends a movie partition: batches that stay under the message limit, in identity order.</summary>
public sealed class CollectiveBatchTests
{
    [Fact]
    public void A_deleted_member_at_the_attendance_limit_goes_as_several_batches_under_the_limit_in_order()
    {
        // The retractions of a member at the default limit: each lists the member's older movies, about 2 million ids in all.
        var settings = ModelSettings.Default;
        var member = new MemberState(7, CinemaGenres.All.Count);
        for (var i = 0; i < settings.MaxAttendances; i++)
            member.Apply(new TicketEvent(i + 1, 7, 1 + (i * 7919) % 100_000, 1_700_000_000 + i * 3600L), 0, settings);
        var retractions = new List<CoAttendanceUpdate>();
        for (var index = 0; member.Count > 0; index++)
        {
            var last = member.Count - 1;
            var change = member.Apply(new TicketEvent(member.Tickets[last], 7, member.Movies[last], member.Times[last], IsRefund: true), 0, settings);
            retractions.Add(CoAttendanceUpdate.From(member, change, eventOffset: 42, index)!);
        }

        var batches = CollectiveBatch.Split(sourcePartition: 3, retractions).ToList();

        Assert.True(batches.Count > 1, $"{batches.Count} batch");
        Assert.All(batches, b => Assert.InRange(b.Encode().Length, 1, CollectiveBatch.MaxBytes));
        var sent = batches.SelectMany(b => CollectiveBatch.Decode(b.Encode()).Updates).ToList();
        Assert.Equal(retractions.Select(u => (u.EventOffset, u.Index, u.MovieId, u.Before.Length)), sent.Select(u => (u.EventOffset, u.Index, u.MovieId, u.Before.Length)));
        Assert.All(batches, b => Assert.Equal(3, b.SourcePartition));
    }

    [Fact]
    public void Updates_that_fit_go_as_one_batch()
    {
        var updates = Enumerable.Range(0, 50).Select(i => new CoAttendanceUpdate(1 + i, 1_700_000_000, 1, 0, [2, 3], []) { MemberId = 7, EventOffset = i }).ToList();

        var batch = Assert.Single(CollectiveBatch.Split(0, updates));

        Assert.Equal(50, batch.Updates.Count);
    }
}
