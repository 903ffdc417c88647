using Insights.Contracts;
using Insights.DevTool.Demo;
using Insights.Fixtures.MariaDb;
using static Insights.DevTool.Tests.Demo.CinemaDatabase;

namespace Insights.DevTool.Tests.Demo;

public sealed class CinemaSeederTests(MariaDbServer server) : IClassFixture<MariaDbServer>, IDisposable
{
    private readonly SyntheticDataset dataset = new();
    private string Db => server.ConnectionString;

    [Fact]
    public async Task Seed_inserts_every_member_and_movie_and_the_tickets_before_the_cut_with_their_sessions()
    {
        var plan = PlanOf(dataset.Folder);
        var outcome = await SeedAsync(Db, plan);

        Assert.False(outcome.AlreadySeeded);
        Assert.Equal(SyntheticDataset.Members, await ScalarAsync<int>(Db, "SELECT COUNT(*) FROM members"));
        Assert.Equal(SyntheticDataset.Movies, await ScalarAsync<int>(Db, "SELECT COUNT(*) FROM movies"));
        Assert.Equal(80, await ScalarAsync<int>(Db, "SELECT COUNT(*) FROM tickets"));
        // Exactly the sessions the seeded tickets use: none missing, none ahead of the cut.
        Assert.Equal(await ScalarAsync<int>(Db, "SELECT COUNT(DISTINCT session_id) FROM tickets"), await ScalarAsync<int>(Db, "SELECT COUNT(*) FROM sessions"));
        Assert.Equal(outcome.Counts, new CinemaCounts(SyntheticDataset.Members, SyntheticDataset.Movies, outcome.Counts.Sessions, 80));
    }

    [Fact]
    public async Task Seed_leaves_the_newest_live_fraction_of_tickets_for_replay()
    {
        var plan = PlanOf(dataset.Folder);
        await SeedAsync(Db, plan, liveFraction: 0.2);

        var seeded = await RowsAsync(Db, "SELECT ticket_id, purchased_at FROM tickets ORDER BY ticket_id");
        Assert.Equal(Enumerable.Range(1, 80).Select(i => (long)i), seeded.Select(r => (long)r[0]));
        Assert.Equal(plan.Tickets.Take(80).Select(t => t.PurchasedAt), seeded.Select(r => (DateTime)r[1]));
        Assert.All(plan.Tickets.Skip(80), t => Assert.True(t.PurchasedAt > (DateTime)seeded[^1][1]));

        await SeedAsync(Db, plan, liveFraction: 0.5);
        Assert.Equal(50, await ScalarAsync<int>(Db, "SELECT COUNT(*) FROM tickets"));
    }

    [Fact]
    public async Task Seed_gives_each_movie_its_status_at_the_cut()
    {
        await SeedAsync(Db, PlanOf(dataset.Folder));

        var statuses = (await RowsAsync(Db, "SELECT movie_id, status FROM movies")).ToDictionary(r => (int)r[0], r => (string)r[1]);
        Assert.Equal("archived", statuses[SyntheticDataset.ArchivedEarly]);
        Assert.Equal("now_showing", statuses[SyntheticDataset.ShowingLate]);
        Assert.Equal("coming_soon", statuses[SyntheticDataset.ComingSoon]);
        Assert.Equal("archived", statuses[SyntheticDataset.NeverSold]);
        Assert.All(Enumerable.Range(1, 5), id => Assert.Equal("now_showing", statuses[id]));
    }

    [Fact]
    public async Task Two_seeds_of_one_dataset_give_identical_databases()
    {
        await SeedAsync(Db, PlanOf(dataset.Folder));
        var first = await ChecksumAsync(Db, withUpdatedAt: false);

        await SeedAsync(Db, PlanOf(dataset.Folder), reset: true);

        Assert.Equal(first, await ChecksumAsync(Db, withUpdatedAt: false));
    }

    [Fact]
    public async Task Seeding_a_seeded_database_says_so_and_changes_nothing()
    {
        var plan = PlanOf(dataset.Folder);
        await SeedAsync(Db, plan);
        var before = await ChecksumAsync(Db, withUpdatedAt: true);

        var again = await SeedAsync(Db, plan, reset: false);

        Assert.True(again.AlreadySeeded);
        Assert.Equal(before, await ChecksumAsync(Db, withUpdatedAt: true));
    }

    [Fact]
    public async Task Seeding_over_other_data_is_refused_and_names_the_reset_flag()
    {
        var plan = PlanOf(dataset.Folder);
        await SeedAsync(Db, plan);
        var other = CinemaPlanner.Build(Evaluation.Data.DatasetLoader.Load(dataset.Folder), DatasetDetails.Read(dataset.Folder), new DemoChoices(seed: 7));

        await using var connection = await OpenAsync(Db);
        var error = await Assert.ThrowsAsync<CommandLineError>(() =>
            new CinemaSeeder(connection).SeedAsync(other, CatalogCut.Of(other, 0.2), reset: false, null, CancellationToken.None));
        Assert.Contains("--reset", error.Message);
    }

    [Fact]
    public async Task Seeded_members_carry_demographics_and_only_synthetic_personal_fields()
    {
        await SeedAsync(Db, PlanOf(dataset.Folder));

        var member = (await RowsAsync(Db, "SELECT name, email, postcode, birth_year, gender, occupation FROM members WHERE member_id = 6"))[0];
        Assert.Equal("Member 6", member[0]);
        Assert.Equal("member6@example.invalid", member[1]);
        Assert.Equal("10006", member[2]);
        // Member 6 is 26 in u.user and first rates on day 5 (1997): born 1997 - 26.
        Assert.Equal(1971, Convert.ToInt32(member[3]));
        Assert.Equal("F", member[4]);
        Assert.Equal("student", member[5]);
    }

    public void Dispose() => dataset.Dispose();
}
