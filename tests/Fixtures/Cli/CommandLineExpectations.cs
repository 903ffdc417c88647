namespace Insights.Fixtures.Cli;

/// <summary>
/// What every command of either program (the production program, the developer tool) promises a new user, whichever
/// program answers it: help that names the command as `./insights` runs it, and one line on stderr for a wrong option.
/// </summary>
public static class CommandLineExpectations
{
    public static async Task HasHelpAsync(string path, string? program = null)
    {
        var run = await InsightsRun.StartAsync([.. CommandPaths.Words(path), "--help"], program: program);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"insights {path}".TrimEnd(), run.Output);
        Assert.Contains("Usage:", run.Output);
        Assert.Equal("", run.Error);
    }

    public static async Task RefusesAWrongOptionInOneLineAsync(string path, string? program = null)
    {
        var run = await InsightsRun.StartAsync([.. CommandPaths.Words(path), "--no-such-option"], program: program);

        Assert.True(run.ExitCode != 0, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("insights: ", line);
        Assert.Contains("'--no-such-option'", line);
        Assert.Contains($"See 'insights {path}".TrimEnd(), line);
        Assert.Equal("", run.Output);
        Assert.False(run.HasStackTrace, run.ToString());
    }
}
