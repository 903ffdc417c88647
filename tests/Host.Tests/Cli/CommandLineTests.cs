using Insights.Fixtures.Cli;

namespace Insights.Host.Tests.Cli;

/// <summary>
/// The production program as a new user meets it: every command and subcommand (read from the root command, so a new one is
/// covered without touching this file) explains itself with --help, and a mistyped option gets one line on stderr
/// that names it, without the help text or a stack trace.
/// </summary>
public sealed class CommandLineTests
{
    public static TheoryData<string> Paths() => CommandPaths.Of(InsightsCommands.Root());

    [Theory]
    [MemberData(nameof(Paths))]
    public Task Every_command_has_help(string path) => CommandLineExpectations.HasHelpAsync(path);

    [Theory]
    [MemberData(nameof(Paths))]
    public Task A_wrong_option_gets_one_line_naming_it(string path) => CommandLineExpectations.RefusesAWrongOptionInOneLineAsync(path);

    [Fact]
    public async Task A_command_group_without_its_subcommand_says_so_in_one_line()
    {
        var run = await InsightsRun.StartAsync(["topics"]);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("Required command was not provided", line);
        Assert.Contains("'insights topics --help'", line);
    }

    [Fact]
    public async Task A_bad_option_value_names_the_option()
    {
        var run = await InsightsRun.StartAsync(["topics", "manifest", "--out", "/tmp/manifest.json", "--partitions", "many"]);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("--partitions", line);
        Assert.Contains("many", line);
    }
}
