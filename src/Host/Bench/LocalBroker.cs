using System.Diagnostics;
using Insights.Contracts.Topics;

namespace Insights.Host.Bench;

/// <summary>
/// The local mock broker (`insights-broker run`, built at .build/broker by stack/install) in its own process, with
/// a manifest of the run's topics, so killing a worker never touches the broker. It stops itself when this process
/// exits (--owner-pid). Every record lives in its memory: a new broker is a new, empty cluster.
/// </summary>
internal sealed class LocalBroker : IAsyncDisposable
{
    private readonly Process process;
    private readonly string folder;

    private LocalBroker(Process process, string folder, string bootstrap)
    {
        this.process = process;
        this.folder = folder;
        BootstrapServers = bootstrap;
    }

    public string BootstrapServers { get; }

    /// <summary>CPU seconds (user + system) the broker process has used since it started.</summary>
    public double CpuSeconds => LinuxProcess.CpuSeconds(process.Id);
    private string ManifestPath => Path.Combine(folder, "topics.json");

    public static string ProgramPath => Environment.GetEnvironmentVariable("INSIGHTS_BROKER_DLL") is { Length: > 0 } dll
        ? dll : Path.Combine(RepositoryRoot.Find(), ".build", "broker", "insights-broker.dll");

    public static async Task<LocalBroker> StartAsync(TopicManifest manifest, CancellationToken ct)
    {
        if (!File.Exists(ProgramPath)) throw new CommandLineError($"the broker program {ProgramPath} is not built: run stack/install (or set INSIGHTS_BROKER_DLL)");
        var folder = Directory.CreateTempSubdirectory("insights-bench-broker-").FullName;
        manifest.Save(Path.Combine(folder, "topics.json"));
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // First group joins are immediate, as the test fixtures and Testcontainers configure Kafka.
        foreach (var arg in new[] { ProgramPath, "run", "--manifest", Path.Combine(folder, "topics.json"), "--group-initial-rebalance-delay-ms", "0",
                     "--owner-pid", Environment.ProcessId.ToString() })
            info.ArgumentList.Add(arg);
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new System.Text.StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) ready.TrySetException(new InvalidOperationException("the broker closed its output before it was ready"));
            else if (e.Data.StartsWith("ready ", StringComparison.Ordinal)) ready.TrySetResult(e.Data["ready ".Length..].Trim());
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return new LocalBroker(process, folder, await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), ct));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            lock (errors) throw new CommandLineError($"the broker did not start: {e.Message}\n{errors}");
        }
    }

    /// <summary>
    /// `insights-broker check`: every partition's watermarks; the output and whether every partition still starts at
    /// offset 0 (the mock silently drops the oldest records beyond 5 MiB per partition).
    /// </summary>
    public async Task<(bool Intact, string Report)> CheckAsync()
    {
        var info = new ProcessStartInfo("dotnet", [ProgramPath, "check", "--bootstrap", BootstrapServers, "--manifest", ManifestPath])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var check = Process.Start(info)!;
        var output = check.StandardOutput.ReadToEndAsync();
        var error = check.StandardError.ReadToEndAsync();
        await check.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (check.ExitCode == 0, (await output + await error).Trim());
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            // SIGTERM lets the broker destroy the cluster cleanly; SIGKILL if it does not stop.
            LinuxProcess.Terminate(process.Id);
            try { await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)); }
            catch (TimeoutException) { process.Kill(entireProcessTree: true); }
        }
        process.Dispose();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }
}
