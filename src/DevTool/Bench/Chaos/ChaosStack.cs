using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Insights.Contracts;
using Insights.DevTool.Demo.Live;
using Insights.Host;
using Insights.Sinks.Snapshots;
using Insights.TestSupport;

namespace Insights.DevTool.Bench.Chaos;

/// <summary>
/// MariaDB and s3rver of one chaos run, started by the local stack's own part scripts (stack/parts/*.sh, as `stack/up`
/// starts them) in a private folder on free ports, so a developer's running stack or demo is never touched and every run
/// starts from an empty database. MariaDB can be stopped and started again on the same data folder mid-run.
/// </summary>
public sealed class ChaosStack : IAsyncDisposable
{
    private readonly DemoLayout layout;
    private readonly StackControl control;

    private ChaosStack(DemoLayout layout, StackControl control)
    {
        this.layout = layout;
        this.control = control;
    }

    /// <summary>The application user's connection string (cinema.*): the seed, the load and the read-back.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The replication user's connection string: the capture's.</summary>
    public string CaptureConnectionString { get; private set; } = "";

    public S3Endpoint S3 { get; private set; } = new();

    /// <summary>Where the parts keep their data and logs (mariadb/mariadb.log, demo/logs/stack.log).</summary>
    public string Folder => layout.StackDir;

    public static async Task<ChaosStack> StartAsync(CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("insights-chaos-stack-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["INSIGHTS_STACK_DIR"] = folder,
            ["INSIGHTS_MARIADB_PORT"] = LoopbackPort.Next().ToString(CultureInfo.InvariantCulture),
            ["INSIGHTS_MARIADB_SETTINGS"] = "",
            ["INSIGHTS_S3_PORT"] = LoopbackPort.Next().ToString(CultureInfo.InvariantCulture),
            ["INSIGHTS_S3_BUCKET"] = "insights",
        };
        var layout = new DemoLayout(RepositoryRoot.Find(), folder);
        var stack = new ChaosStack(layout, new StackControl(layout, environment));
        try
        {
            await stack.control.UpAsync(ct, "mariadb", "s3");
            stack.ReadEndpoints();
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>A clean shutdown of MariaDB, then a start on the same data folder and port; returns how long it was down.</summary>
    public async Task<TimeSpan> RestartMariaDbAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await control.DownAsync(ct, "mariadb");
        await control.UpAsync(ct, "mariadb");
        return clock.Elapsed;
    }

    private void ReadEndpoints()
    {
        using (var mariaDb = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "mariadb.json"))))
        {
            var section = mariaDb.RootElement.GetProperty("MariaDb");
            ConnectionString = section.GetProperty("ConnectionString").GetString()!;
            CaptureConnectionString = section.GetProperty("CaptureConnectionString").GetString()!;
        }
        using var s3 = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "s3.json")));
        S3 = JsonSerializer.Deserialize<S3Endpoint>(s3.RootElement.GetProperty("S3").GetRawText())!;
    }

    public async ValueTask DisposeAsync()
    {
        try { await control.DownAsync(CancellationToken.None, "s3", "mariadb"); }
        catch (CommandLineError) { } // a part that will not stop is named in stack.log; the folder goes anyway
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
