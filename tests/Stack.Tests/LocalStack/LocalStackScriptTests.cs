using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Insights.Fixtures;
using Insights.TestSupport;

namespace Insights.Stack.Tests.LocalStack;

/// <summary>stack/up and stack/down as a developer runs them, in a private folder on free ports.</summary>
public sealed class LocalStackScriptTests : IAsyncLifetime
{
    private readonly string dir = Directory.CreateTempSubdirectory("insights-stack-").FullName;
    private readonly Dictionary<string, string> env;

    public LocalStackScriptTests()
    {
        var manifest = Path.Combine(dir, "topics.json");
        File.WriteAllText(manifest, """{"topics":[{"name":"stack.test","partitions":2,"cleanup":"Delete"}]}""");
        env = new()
        {
            ["INSIGHTS_STACK_DIR"] = dir,
            ["INSIGHTS_MARIADB_PORT"] = LoopbackPort.Next().ToString(),
            ["INSIGHTS_KAFKA_PORT"] = LoopbackPort.Next().ToString(),
            ["INSIGHTS_S3_PORT"] = LoopbackPort.Next().ToString(),
            ["INSIGHTS_KAFKA_MANIFEST"] = manifest,
            ["INSIGHTS_BROKER_DLL"] = Path.Combine(AppContext.BaseDirectory, "insights-broker.dll"),
        };
    }

    [Fact]
    public async Task Up_twice_then_down_twice_all_succeed()
    {
        var first = await RunAsync("up");
        Assert.True(first.ExitCode == 0, first.Error);
        var second = await RunAsync("up");
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal(3, CountLines(second.Output, "already up"));
        Assert.Equal(0, (await RunAsync("status")).ExitCode);

        Assert.Equal(0, (await RunAsync("down")).ExitCode);
        var again = await RunAsync("down");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(3, CountLines(again.Output, "already down"));
        Assert.NotEqual(0, (await RunAsync("status")).ExitCode);
    }

    [Theory]
    [InlineData("mariadb")]
    [InlineData("kafka")]
    [InlineData("s3")]
    public async Task A_killed_part_comes_back_on_up(string part)
    {
        Assert.Equal(0, (await RunAsync("up", part)).ExitCode);
        var pid = int.Parse(File.ReadAllText(Path.Combine(dir, part, $"{part}.pid")).Trim());
        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        var up = await RunAsync("up", part);

        Assert.True(up.ExitCode == 0, up.Error);
        Assert.DoesNotContain("already up", up.Output);
        var status = await StackScript.RunAsync($"parts/{part}.sh", ["status"], env, TestContext.Current.CancellationToken);
        Assert.True(status.ExitCode == 0, status.Output + status.Error);
    }

    [Theory]
    [InlineData("mariadb", "INSIGHTS_MARIADB_PORT")]
    [InlineData("kafka", "INSIGHTS_KAFKA_PORT")]
    [InlineData("s3", "INSIGHTS_S3_PORT")]
    public async Task A_taken_port_fails_with_one_line_naming_the_part(string part, string portKey)
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        env[portKey] = port.ToString();

        var up = await RunAsync("up", part);

        Assert.NotEqual(0, up.ExitCode);
        var line = Assert.Single(up.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"stack: {part}:", line);
        Assert.Contains(port.ToString(), line);
        Assert.Contains(portKey, line);
    }

    private Task<CommandResult> RunAsync(string script, params string[] parts) =>
        StackScript.RunAsync(script, parts, env, TestContext.Current.CancellationToken);

    private static int CountLines(string text, string fragment) =>
        text.Split('\n').Count(l => l.Contains(fragment, StringComparison.Ordinal));

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await StackScript.RunAsync("down", [], env);
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
