using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Insights.Contracts.Topics;

namespace Insights.TestSupport;

/// <summary>
/// The local broker program (`insights-broker run`: built beside the tests, or at .build/broker by stack/install for
/// the benches) in its own process, with a manifest of the run's topics, so killing a worker never touches the broker. Its state is in memory: killing it loses every record and group, and a
/// new start is a new, empty cluster with only the manifest's topics.
/// </summary>
public sealed class BrokerProcess : IAsyncDisposable
{
    // Brokers still running when the test host exits normally are killed here; a crashed host is covered
    // by --owner-pid, which makes the broker stop itself once this process is gone.
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static BrokerProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Values)
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        };
    }

    private readonly Process process;
    private readonly StringBuilder stderr;

    public string BootstrapServers { get; }
    public string Folder { get; }
    public string ManifestPath => Path.Combine(Folder, "topics.json");
    public string BootstrapFile => Path.Combine(Folder, "bootstrap");
    public string StatusFile => Path.Combine(Folder, "status.json");
    public int Pid => process.Id;
    /// <summary>From process start to the `ready` line: .NET start-up, cluster, topics, first watermark read.</summary>
    public TimeSpan TimeToReady { get; }
    public bool HasExited => process.HasExited;
    public string StandardError { get { lock (stderr) return stderr.ToString(); } }

    /// <summary>CPU seconds (user + system) the broker process has used since it started.</summary>
    public double CpuSeconds => LinuxProcess.CpuSeconds(process.Id);

    /// <summary>The copy built beside this program (test projects reference the broker), else the local stack's build.</summary>
    public static string ProgramPath => File.Exists(Path.Combine(AppContext.BaseDirectory, "insights-broker.dll"))
        ? Path.Combine(AppContext.BaseDirectory, "insights-broker.dll")
        : Path.Combine(RepositoryPaths.Root, ".build", "broker", "insights-broker.dll");

    private BrokerProcess(Process process, StringBuilder stderr, string bootstrap, string folder, TimeSpan timeToReady)
    {
        this.process = process;
        this.stderr = stderr;
        BootstrapServers = bootstrap;
        Folder = folder;
        TimeToReady = timeToReady;
    }

    /// <summary>
    /// Starts a broker and waits for its `ready` line. <paramref name="port"/> asks for the fixed-port proxy;
    /// <paramref name="folder"/> reuses a folder (a restart keeps the same files). The first group join is
    /// immediate (group.initial.rebalance.delay.ms 0), as Testcontainers configures real Kafka for tests.
    /// </summary>
    public static async Task<BrokerProcess> StartAsync(TopicManifest manifest, int? port = null, string? folder = null,
        TimeSpan? checkInterval = null, TimeSpan? readyTimeout = null, CancellationToken ct = default)
    {
        if (!File.Exists(ProgramPath)) throw new InvalidOperationException($"the broker program {ProgramPath} is not built: run stack/install");
        folder ??= Directory.CreateTempSubdirectory("insights-broker-").FullName;
        manifest.Save(Path.Combine(folder, "topics.json"));
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     ProgramPath, "run", "--manifest", Path.Combine(folder, "topics.json"),
                     "--bootstrap-file", Path.Combine(folder, "bootstrap"), "--status-file", Path.Combine(folder, "status.json"),
                     "--check-interval-ms", ((int)(checkInterval ?? TimeSpan.FromSeconds(1)).TotalMilliseconds).ToString(),
                     "--group-initial-rebalance-delay-ms", "0", "--owner-pid", Environment.ProcessId.ToString(),
                 })
            info.ArgumentList.Add(arg);
        if (port is int p) { info.ArgumentList.Add("--port"); info.ArgumentList.Add(p.ToString()); }

        var stderr = new StringBuilder();
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) ready.TrySetException(new InvalidOperationException("broker closed its output before it was ready"));
            else if (e.Data.StartsWith("ready ", StringComparison.Ordinal)) ready.TrySetResult(e.Data["ready ".Length..].Trim());
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        Running[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var limit = readyTimeout ?? TimeSpan.FromSeconds(60);
        try
        {
            var bootstrap = await ready.Task.WaitAsync(limit, ct);
            return new BrokerProcess(process, stderr, bootstrap, folder, clock.Elapsed);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var exited = process.HasExited ? $"exited with code {process.ExitCode}" : $"not ready after {limit.TotalSeconds:0} s";
            Kill(process);
            string log;
            lock (stderr) log = stderr.ToString().Trim();
            throw new InvalidOperationException($"insights-broker {exited}: {log}", e);
        }
    }

    /// <summary>Kills the process at once (SIGKILL): what a crash looks like to clients.</summary>
    public async Task KillAsync()
    {
        Kill(process);
        await process.WaitForExitAsync();
    }

    /// <summary>Asks the broker to stop (SIGTERM) and waits for it: cluster destroyed, bootstrap file removed.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!process.HasExited) LinuxProcess.SendTerminate(process.Id);
        await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(15));
        Running.TryRemove(process.Id, out _);
        return process.ExitCode;
    }

    /// <summary>
    /// A producer of load for this broker: acknowledged by all replicas and compressed as the workers compress (the mock
    /// keeps batches as produced, 5 MiB per partition). A <paramref name="queueMessages"/> above librdkafka's default
    /// (100,000) lets a whole measured load be produced at once.
    /// </summary>
    public IProducer<byte[], byte[]> LoadProducer(string compression, int lingerMs, int queueMessages = 100_000) =>
        new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = BootstrapServers, Acks = Acks.All, LingerMs = lingerMs, QueueBufferingMaxMessages = queueMessages,
            CompressionType = Enum.Parse<CompressionType>(compression, ignoreCase: true),
        }).Build();

    /// <summary>Runs `insights-broker check` against this broker: exit code and everything it printed.</summary>
    public Task<CommandResult> CheckAsync(TopicManifest? manifest = null)
    {
        var path = ManifestPath;
        if (manifest is not null) { path = Path.Combine(Folder, "check-topics.json"); manifest.Save(path); }
        return CommandResult.RunAsync("dotnet", [ProgramPath, "check", "--bootstrap", BootstrapServers, "--manifest", path]);
    }

    private static void Kill(Process process)
    {
        try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        Running.TryRemove(process.Id, out _);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            try { await StopAsync(TimeSpan.FromSeconds(10)); }
            catch (TimeoutException) { Kill(process); }
        }
        Running.TryRemove(process.Id, out _);
        process.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
