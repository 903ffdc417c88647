using Insights.Fixtures;
using Insights.Fixtures.Cli;
using Insights.TestSupport;

namespace Insights.DevTool.Tests.Cli;

/// <summary>
/// The developer tool's commands that write the cinema database, with MariaDB missing or misconfigured: one line on
/// stderr naming the part (or the key) and its address, no stack trace, and the configured password nowhere.
/// </summary>
public sealed class MissingDatabaseTests
{
    private const string MariaDbPassword = "mariadb-secret-4714";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(40);
    private static readonly string ClosedPort = LoopbackPort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string Dataset = Path.Combine(RepositoryPaths.SharedData, "ml-100k");

    public static TheoryData<string> Commands() => new()
    {
        $"seed --dataset {Dataset}",
        $"replay --dataset {Dataset} --rate 10 --limit 1",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_command_without_its_database_stops_with_one_line_naming_it_and_no_secret(string command)
    {
        var run = await InsightsRun.StartAsync(command.Split(' '), new Dictionary<string, string>
        {
            ["MariaDb__ConnectionString"] = $"Server=127.0.0.1;Port={ClosedPort};User ID=insights;Password={MariaDbPassword};Connection Timeout=3",
        }, Bound, InsightsProcess.DevToolPath);

        Assert.True(run.ExitCode != 0, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("MariaDB", line);
        Assert.Contains($"127.0.0.1:{ClosedPort}", line);
        Assert.False(run.HasStackTrace, run.ToString());
        Assert.DoesNotContain(MariaDbPassword, run.Output + run.Error);
    }

    [Fact]
    public async Task A_wrong_connection_string_names_the_key_without_echoing_the_password()
    {
        var run = await InsightsRun.StartAsync(["seed", "--dataset", Dataset], new Dictionary<string, string>
        {
            ["MariaDb__ConnectionString"] = $"Server=127.0.0.1;Port=notaport;Password={MariaDbPassword}",
        }, Bound, InsightsProcess.DevToolPath);

        Assert.True(run.ExitCode != 0, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("MariaDb:ConnectionString", line);
        Assert.False(run.HasStackTrace, run.ToString());
        Assert.DoesNotContain(MariaDbPassword, run.Output + run.Error);
    }
}
