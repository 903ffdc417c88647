using Insights.Fixtures.Cli;
using Insights.TestSupport;

namespace Insights.DevTool.Tests.Cli;

/// <summary>
/// The developer tool as a new user meets it through `./insights`: every command explains itself with --help under the
/// name `insights`, and a mistyped option or value gets one line on stderr that names it.
/// </summary>
public sealed class CommandLineTests
{
    public static TheoryData<string> Paths() => CommandPaths.Of(DevToolCommands.Root());

    [Theory]
    [MemberData(nameof(Paths))]
    public Task Every_command_has_help(string path) => CommandLineExpectations.HasHelpAsync(path, InsightsProcess.DevToolPath);

    [Theory]
    [MemberData(nameof(Paths))]
    public Task A_wrong_option_gets_one_line_naming_it(string path) =>
        CommandLineExpectations.RefusesAWrongOptionInOneLineAsync(path, InsightsProcess.DevToolPath);

    [Fact]
    public async Task A_bad_option_value_names_the_option()
    {
        var run = await InsightsRun.StartAsync(["replay", "--dataset", "/nowhere", "--rate", "fast"], program: InsightsProcess.DevToolPath);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("--rate", line);
        Assert.Contains("fast", line);
    }

    [Fact]
    public void The_tool_answers_the_verbs_the_launcher_sends_it_and_no_other()
    {
        var launcher = File.ReadAllText(Path.Combine(TestSupport.RepositoryPaths.Root, "insights"));

        Assert.Equal(DevToolCommands.Verbs.Order(), DevToolCommands.Root().Subcommands.Select(c => c.Name).Order());
        Assert.Contains($"  {string.Join('|', DevToolCommands.Verbs)}) exec dotnet \"$out/insights-dev.dll\"", launcher);
    }
}
