using Insights.DevTool.Demo;
using static Insights.DevTool.Tests.Demo.CinemaDatabase;

namespace Insights.DevTool.Tests.Demo;

public sealed class CatalogCutTests : IDisposable
{
    private readonly SyntheticDataset dataset = new();

    [Fact]
    public void The_cut_falls_at_the_first_ticket_left_for_replay()
    {
        var plan = PlanOf(dataset.Folder);
        var cut = CatalogCut.Of(plan, 0.2);

        Assert.Equal(80, cut.SeededTickets);
        Assert.Equal(plan.Tickets[80].PurchasedAt, cut.At);
        Assert.Equal(plan.Tickets.Take(80).Max(t => t.SessionId), cut.SeededSessions);
    }

    [Fact]
    public void Statuses_follow_the_last_fourteen_days_before_the_cut_and_the_first_ticket_after_it()
    {
        var cut = CatalogCut.Of(PlanOf(dataset.Folder), 0.2);

        Assert.Equal("archived", cut.StatusOf(SyntheticDataset.ArchivedEarly));
        Assert.Equal("now_showing", cut.StatusOf(SyntheticDataset.ShowingLate));
        Assert.Equal("coming_soon", cut.StatusOf(SyntheticDataset.ComingSoon));
        Assert.Equal("archived", cut.StatusOf(SyntheticDataset.NeverSold));
    }

    [Fact]
    public void Now_showing_keeps_only_the_most_ticketed_movies_of_the_window()
    {
        // In days 66..79 movies 2-5 sell three tickets each, movies 1 and 7 one each.
        var cut = CatalogCut.Of(PlanOf(dataset.Folder), 0.2, new CatalogSize(NowShowing: 4, ComingSoon: 10));

        Assert.All([2, 3, 4, 5], id => Assert.Equal("now_showing", cut.StatusOf(id)));
        Assert.Equal("archived", cut.StatusOf(1));
        Assert.Equal("archived", cut.StatusOf(SyntheticDataset.ShowingLate));
    }

    [Fact]
    public void Among_equally_ticketed_movies_the_one_that_sold_last_is_showing()
    {
        // Movies 2-5 tie at three tickets; their last sales are days 76, 77, 78 and 79.
        var cut = CatalogCut.Of(PlanOf(dataset.Folder), 0.2, new CatalogSize(NowShowing: 2, ComingSoon: 10));

        Assert.Equal(["archived", "archived", "now_showing", "now_showing"], new[] { 2, 3, 4, 5 }.Select(cut.StatusOf));
    }

    [Fact]
    public void Coming_soon_is_capped_and_beyond_the_cap_a_movie_is_archived()
    {
        var cut = CatalogCut.Of(PlanOf(dataset.Folder), 0.2, new CatalogSize(NowShowing: 20, ComingSoon: 0));

        Assert.Equal("archived", cut.StatusOf(SyntheticDataset.ComingSoon));
    }

    [Fact]
    public void A_live_fraction_of_zero_seeds_every_ticket_and_nothing_is_coming_soon()
    {
        var plan = PlanOf(dataset.Folder);
        var cut = CatalogCut.Of(plan, 0);

        Assert.Equal(SyntheticDataset.Ratings, cut.SeededTickets);
        Assert.Equal(plan.Sessions.Count, cut.SeededSessions);
        Assert.DoesNotContain(plan.Movies, m => cut.StatusOf(m.MovieId) == "coming_soon");
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_live_fraction_outside_zero_to_one_is_rejected(double fraction) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CatalogCut.Of(PlanOf(dataset.Folder), fraction));

    public void Dispose() => dataset.Dispose();
}
