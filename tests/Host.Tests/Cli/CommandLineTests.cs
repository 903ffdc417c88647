using System.CommandLine;

namespace Insights.Host.Tests.Cli;

/// <summary>
/// The program as a new user meets it: every command and subcommand (read from the root command, so a new one is
/// covered without touching this file) explains itself with --help, and a mistyped option gets one line on stderr
/// that names it, without the help text or a stack trace.
/// </summary>
public sealed class CommandLineTests
{
    public static TheoryData<string> CommandPaths()
    {
        var paths = new TheoryData<string>();
        void Walk(Command command, string path)
        {
            // Hidden commands are the benches' own child processes, not for people: no help to promise.
            foreach (var sub in command.Subcommands.Where(s => !s.Hidden))
            {
                var subPath = path.Length == 0 ? sub.Name : $"{path} {sub.Name}";
                paths.Add(subPath);
                Walk(sub, subPath);
            }
        }
        paths.Add("");
        Walk(InsightsCommands.Root(), "");
        return paths;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public async Task Every_command_has_help(string path)
    {
        var run = await InsightsRun.StartAsync([.. Words(path), "--help"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"insights {path}".TrimEnd(), run.Output);
        Assert.Contains("Usage:", run.Output);
        Assert.Equal("", run.Error);
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public async Task A_wrong_option_gets_one_line_naming_it(string path)
    {
        var run = await InsightsRun.StartAsync([.. Words(path), "--no-such-option"]);

        Assert.True(run.ExitCode != 0, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("insights: ", line);
        Assert.Contains("'--no-such-option'", line);
        Assert.Contains($"See 'insights {path}".TrimEnd(), line);
        Assert.Equal("", run.Output);
        Assert.False(run.HasStackTrace, run.ToString());
    }

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
        var run = await InsightsRun.StartAsync(["replay", "--dataset", "/nowhere", "--rate", "fast"]);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("--rate", line);
        Assert.Contains("fast", line);
    }

    private static string[] Words(string path) => path.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
