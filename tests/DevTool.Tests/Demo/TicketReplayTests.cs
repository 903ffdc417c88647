using Insights.Contracts;
using Insights.DevTool.Demo;
using Insights.Fixtures.MariaDb;
using MySqlConnector;
using static Insights.DevTool.Tests.Demo.CinemaDatabase;

namespace Insights.DevTool.Tests.Demo;

public sealed class TicketReplayTests(MariaDbServer server) : IClassFixture<MariaDbServer>, IDisposable
{
    private const double Fast = 100_000;
    private readonly SyntheticDataset dataset = new();
    private string Db => server.ConnectionString;

    private async Task<ReplayOutcome> ReplayAsync(CinemaPlan plan, long? limit = null, double rate = Fast, CancellationTokenSource? stop = null)
    {
        await using var connection = await OpenAsync(Db);
        return await new TicketReplay(connection, plan).RunAsync(rate, limit, null, stop?.Token ?? TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Replay_inserts_the_remaining_tickets_in_purchase_order()
    {
        var plan = PlanOf(dataset.Folder);
        await SeedAsync(Db, plan);

        var outcome = await ReplayAsync(plan);

        Assert.Equal(20, outcome.Inserted);
        Assert.Null(outcome.NextTicketId);
        var rows = await RowsAsync(Db, "SELECT ticket_id, member_id, session_id, purchased_at, price FROM tickets ORDER BY ticket_id");
        Assert.Equal(plan.Tickets.Select(t => (t.TicketId, t.MemberId, t.SessionId, t.PurchasedAt, t.Price)),
            rows.Select(r => ((long)r[0], (int)r[1], (int)r[2], (DateTime)r[3], (decimal)r[4])));
        Assert.Equal(rows.Select(r => (DateTime)r[3]).Order(), rows.Select(r => (DateTime)r[3]));
        Assert.Equal(plan.Sessions.Count, await ScalarAsync<int>(Db, "SELECT COUNT(*) FROM sessions"));
    }

    [Fact]
    public async Task Replay_resumes_after_the_newest_ticket_when_restarted()
    {
        var plan = PlanOf(dataset.Folder);
        await SeedAsync(Db, plan);

        var first = await ReplayAsync(plan, limit: 7);
        Assert.Equal((7L, (long?)88), (first.Inserted, first.NextTicketId));
        Assert.Equal(87, await ScalarAsync<int>(Db, "SELECT MAX(ticket_id) FROM tickets"));

        var second = await ReplayAsync(plan, limit: 5);
        Assert.Equal((5L, (long?)93), (second.Inserted, second.NextTicketId));

        var rest = await ReplayAsync(plan);
        Assert.Equal(8, rest.Inserted);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), (await RowsAsync(Db, "SELECT ticket_id FROM tickets ORDER BY ticket_id")).Select(r => (long)r[0]));
    }

    [Fact]
    public async Task Replay_flips_a_coming_soon_movie_to_now_showing_with_its_first_ticket()
    {
        var plan = PlanOf(dataset.Folder);
        await SeedAsync(Db, plan);
        var firstTicket = plan.Tickets.First(t => t.MovieId == SyntheticDataset.ComingSoon).TicketId;
        string Status() => ScalarAsync<string>(Db, $"SELECT status FROM movies WHERE movie_id = {SyntheticDataset.ComingSoon}").Result;

        var before = await ReplayAsync(plan, limit: firstTicket - 1 - 80);
        Assert.DoesNotContain(SyntheticDataset.ComingSoon, before.FlippedToNowShowing);
        Assert.Equal("coming_soon", Status());

        var with = await ReplayAsync(plan, limit: 1);
        Assert.Equal([SyntheticDataset.ComingSoon], with.FlippedToNowShowing);
        Assert.Equal("now_showing", Status());
    }

    [Fact]
    public async Task An_archived_movie_that_sells_during_replay_stays_archived()
    {
        var plan = PlanOf(dataset.Folder);
        await SeedAsync(Db, plan, size: new CatalogSize(NowShowing: 20, ComingSoon: 0));

        var outcome = await ReplayAsync(plan);

        Assert.Contains(plan.Tickets.Skip(80), t => t.MovieId == SyntheticDataset.ComingSoon);
        Assert.Empty(outcome.FlippedToNowShowing);
        Assert.Equal("archived", await ScalarAsync<string>(Db, $"SELECT status FROM movies WHERE movie_id = {SyntheticDataset.ComingSoon}"));
    }

    [Fact]
    public async Task Cancelling_a_replay_stops_between_sales_and_the_next_run_continues()
    {
        var plan = PlanOf(dataset.Folder);
        await SeedAsync(Db, plan);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var stopped = await ReplayAsync(plan, rate: 5, stop: stop);

        Assert.InRange(stopped.Inserted, 1, 19);
        Assert.Equal(80 + stopped.Inserted, await ScalarAsync<long>(Db, "SELECT COUNT(*) FROM tickets"));
        var rest = await ReplayAsync(plan);
        Assert.Equal(20 - stopped.Inserted, rest.Inserted);
    }

    [Fact]
    public async Task Replay_into_an_empty_database_says_to_seed_first()
    {
        await using (var root = await OpenAsync(server.RootConnectionString))
        await using (var truncate = new MySqlCommand("SET FOREIGN_KEY_CHECKS = 0; TRUNCATE tickets; TRUNCATE sessions; TRUNCATE movies; TRUNCATE members; SET FOREIGN_KEY_CHECKS = 1;", root))
            await truncate.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<CommandLineError>(() => ReplayAsync(PlanOf(dataset.Folder)));
        Assert.Contains("insights seed", error.Message);
    }

    [Fact]
    public async Task Replay_refuses_a_database_seeded_from_another_plan()
    {
        var plan = PlanOf(dataset.Folder);
        await SeedAsync(Db, CinemaPlanner.Build(Evaluation.Data.DatasetLoader.Load(dataset.Folder), DatasetDetails.Read(dataset.Folder), new DemoChoices(seed: 7)));

        var error = await Assert.ThrowsAsync<CommandLineError>(() => ReplayAsync(plan));
        Assert.Contains("not seeded from this dataset", error.Message);
    }

    public void Dispose() => dataset.Dispose();
}
