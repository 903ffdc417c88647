using System.Globalization;
using Insights.TestSupport;

namespace Insights.DevTool.Bench.Chaos;

/// <summary>
/// The pipeline of one chaos run as `insights` child processes: the capture (its checkpoint in the run's folder), two
/// workers under one application id, each with its own state folder, and the sink (S3 snapshots on a short schedule,
/// and Elasticsearch when the run has a URL). Worker 2 is the one killed. It comes back on its kept state folder after
/// odd kills and on an empty one after even kills: a container restarted in its pod after an OOM kill keeps its emptyDir
/// (Streamiz then restores only the changelog past its checkpoint, and the records replayed since the last commit meet
/// state that may already hold them), while a pod rescheduled on another node starts empty and restores everything;
/// both happen in production, and the run sees both whenever a role is killed twice or more.
/// </summary>
public sealed class ChaosRoles : IDisposable
{
    public const string SnapshotPrefix = "chaos-snapshots";

    private readonly ChaosSettings settings;
    private readonly ChaosStack stack;
    private readonly string bootstrap;
    private readonly string applicationId;
    private readonly string folder;
    private readonly ChaosRole capture;
    private readonly ChaosRole survivor;
    private readonly ChaosRole victim;
    private readonly ChaosRole sink;

    public ChaosRoles(ChaosSettings settings, ChaosStack stack, string bootstrap, string applicationId, string logFolder)
    {
        this.settings = settings;
        this.stack = stack;
        this.bootstrap = bootstrap;
        this.applicationId = applicationId;
        folder = logFolder;
        var suffix = Guid.NewGuid().ToString("N")[..8];
        ElasticsearchAlias = $"insights-chaos-{suffix}";
        ElasticsearchGroup = $"insights-chaos-sink-{suffix}";
        capture = new ChaosRole("capture", folder, _ => InsightsProcess.Start("capture", Capture(), "capture"));
        survivor = new ChaosRole("worker-1", folder, _ => InsightsProcess.Worker("worker-1", Worker(1, keep: true)));
        victim = new ChaosRole("worker-2", folder, start => InsightsProcess.Worker("worker-2", Worker(2, keep: Keeps(start))));
        sink = new ChaosRole("sink", folder, _ => InsightsProcess.Start("sink", Sink(), "sink"));
    }

    public string CheckpointPath => Path.Combine(folder, "capture-checkpoint.json");
    public string ElasticsearchAlias { get; }
    public string ElasticsearchGroup { get; }

    private IEnumerable<ChaosRole> All => [capture, survivor, victim, sink];

    /// <summary>
    /// Both workers first, until both run: the mock broker fences a worker that joins while another already processes.
    /// Then the capture (its snapshot of the seed is the first data) and the sink.
    /// </summary>
    public async Task StartAsync(TimeSpan limit, CancellationToken ct)
    {
        survivor.Start();
        victim.Start();
        await Poll.UntilAsync(() => survivor.Process.Ready && victim.Process.Ready || survivor.Process.HasExited || victim.Process.HasExited,
            () => $"both workers to run\n{Tails()}", limit, ct, TimeSpan.FromMilliseconds(250));
        if (survivor.Process.HasExited || victim.Process.HasExited) throw new WaitTimedOut($"a worker exited while starting\n{Tails()}");
        capture.Start();
        sink.Start();
    }

    /// <summary>SIGKILL of the role's process and a new one at once; says what was done.</summary>
    public string KillAndRestart(ChaosTarget target)
    {
        var role = target switch
        {
            ChaosTarget.Capture => capture,
            ChaosTarget.Worker => victim,
            ChaosTarget.Sink => sink,
            _ => throw new ArgumentOutOfRangeException(nameof(target), target, "not a role"),
        };
        var up = role.Process.Age;
        role.KillAndRestart();
        var how = target switch
        {
            ChaosTarget.Capture => "it resumes from its checkpoint",
            ChaosTarget.Worker => Keeps(role.Starts - 1) ? "it restarts on its kept state folder" : "it restarts on an empty state folder",
            _ => "it resumes from its committed offsets",
        };
        return $"kill -9 {role.Name} ({role.Kills}/{settings.KillsPerRole}, up {up.TotalSeconds:0.0} s); {how}";
    }

    /// <summary>Whether the worker's start number <paramref name="start"/> (0 = first, k = after kill k) keeps the state folder.</summary>
    private bool Keeps(int start) => settings.WorkerRestart switch
    {
        WorkerRestart.Kept => true,
        WorkerRestart.Empty => false,
        _ => start % 2 == 1,
    };

    /// <summary>Restarts every role whose process exited without being killed; says which.</summary>
    public IReadOnlyList<string> RestartExited() => All.Select(r => r.RestartIfExited()).OfType<string>().ToList();

    public IReadOnlyList<string> UnplannedExits => All.SelectMany(r => r.UnplannedExits).ToList();

    public IReadOnlyDictionary<string, int> Kills() => new Dictionary<string, int>
    {
        ["capture"] = capture.Kills, ["worker"] = victim.Kills, ["sink"] = sink.Kills,
    };

    /// <summary>The last lines of every running role, for a failure message.</summary>
    public string Tails() => string.Join('\n', All.Where(r => r.Starts > 0).Select(r => $"--- {r.Name}:\n{r.Process.Tail(8)}"));

    private Dictionary<string, string> Capture() => new()
    {
        ["Kafka__BootstrapServers"] = bootstrap,
        ["MariaDb__CaptureConnectionString"] = stack.CaptureConnectionString,
        ["Capture__CheckpointPath"] = CheckpointPath,
    };

    private Dictionary<string, string> Worker(int worker, bool keep)
    {
        var state = Path.Combine(folder, $"worker-{worker}-state");
        if (!keep && Directory.Exists(state)) Directory.Delete(state, recursive: true);
        return new()
        {
            ["Kafka__BootstrapServers"] = bootstrap,
            ["Processors__ModelPath"] = Path.GetFullPath(settings.ModelPath), ["Processors__ApplicationId"] = applicationId,
            ["Processors__Partitions"] = settings.Partitions.ToString(CultureInfo.InvariantCulture), ["Processors__FlushIntervalMs"] = "1000",
            // Exact neighbour lists: the final scores are compared with the replay (within 1e-5).
            ["Processors__NeighbourStaleness"] = "0", ["Processors__SessionTimeoutMs"] = "6000",
            ["Processors__CommitIntervalMs"] = "1000", ["Processors__CompressionType"] = "zstd",
            // The mock keeps 5 MiB per partition and never compacts the profiles (see ChaosSettings.ProfileIntervalMs).
            ["Processors__ProfileIntervalMs"] = settings.ProfileIntervalMs.ToString(CultureInfo.InvariantCulture),
            ["Processors__StateDir"] = state,
        };
    }

    private Dictionary<string, string> Sink()
    {
        var settings = new Dictionary<string, string>
        {
            ["Kafka__BootstrapServers"] = bootstrap,
            ["Snapshots__Store"] = "s3", ["Snapshots__Prefix"] = SnapshotPrefix,
            ["Snapshots__IntervalSeconds"] = this.settings.SnapshotIntervalSeconds.ToString(CultureInfo.InvariantCulture),
            ["S3__ServiceUrl"] = stack.S3.ServiceUrl ?? "", ["S3__Bucket"] = stack.S3.Bucket,
            ["S3__AccessKey"] = stack.S3.AccessKey ?? "", ["S3__SecretKey"] = stack.S3.SecretKey ?? "",
            ["Elasticsearch__Enabled"] = this.settings.ElasticsearchUrl is null ? "false" : "true",
        };
        if (this.settings.ElasticsearchUrl is { } url)
        {
            settings["Elasticsearch__Url"] = url;
            settings["Elasticsearch__Alias"] = ElasticsearchAlias;
            settings["Elasticsearch__ConsumerGroup"] = ElasticsearchGroup;
        }
        return settings;
    }

    /// <summary>Ends every role at once with SIGKILL (the verdict is in; nothing they do now counts); their output goes to the log folder.</summary>
    public void Dispose() => Task.WaitAll(All.Where(r => r.Starts > 0).Select(r => Task.Run(r.Dispose)).ToArray());
}
