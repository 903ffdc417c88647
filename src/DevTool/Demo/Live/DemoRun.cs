using System.Diagnostics;
using Confluent.Kafka;
using Insights.Api.Access;
using Insights.Contracts;
using Insights.Contracts.Configuration;
using Insights.Host.Configuration;
using Insights.TestSupport;
using Microsoft.Extensions.Configuration;

namespace Insights.DevTool.Demo.Live;

/// <summary>
/// One demo run, start to clean stop. Every run starts from the same state: the stack up, the Kafka broker
/// restarted (it is in-memory: the old topics would be gone anyway), the cinema database seeded afresh
/// (seed --reset), no capture checkpoint and no worker state. Then capture, two workers, the sink and the
/// API run as child processes while tickets are replayed live and the dashboard shows the pipeline (a role
/// that dies is shown there and fails the run at the end). On stop (Ctrl+C, SIGTERM, --duration) the replay stops, the children get SIGTERM in
/// reverse start order (SIGKILL after a grace period) and the stack is brought down unless --keep-stack.
/// </summary>
public sealed class DemoRun(DemoOptions options, DemoLayout layout, InsightsProgram program, TextWriter output)
{
    /// <summary>How long a role may take to finish after SIGTERM (a worker commits and closes its stores).</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    /// <summary>How long the roles may take to come up (the API answering) before the demo gives up.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<RoleProcess> children = [];
    private readonly StackControl stack = new(layout);
    private readonly LeftoverChildren leftovers = new(layout.ChildrenFile);

    public async Task<int> RunAsync(CancellationToken stopping)
    {
        var exitCode = 0;
        try { exitCode = await RunUntilStoppedAsync(stopping); }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { Say("stopping (interrupted while starting)"); }
        finally { await StopAsync(); }
        return exitCode;
    }

    private async Task<int> RunUntilStoppedAsync(CancellationToken stopping)
    {
        if (leftovers.StopAll() is > 0 and var stale) Say($"stopped {stale} role(s) left running by an earlier demo that was killed");
        Directory.CreateDirectory(layout.Logs);
        Say($"logs: {layout.Logs}");

        Say("bringing the stack up (MariaDB, s3rver) and restarting the Kafka mock broker with fresh topics...");
        await stack.UpAsync(stopping, "mariadb", "s3");
        await stack.DownAsync(stopping, "kafka");
        await stack.UpAsync(stopping, "kafka");
        if (Directory.Exists(layout.State)) Directory.Delete(layout.State, recursive: true);
        Directory.CreateDirectory(layout.State);

        var plan = DemoPlanLoader.Load(options.Dataset);
        var cut = CatalogCut.Of(plan, DemoOptions.LiveFraction);
        var featured = FeaturedMovie.Choose(plan, cut, options.MovieId);
        var connectionString = DemoDatabase.ConnectionString(null);
        await using var db = await DemoDatabase.OpenAsync(connectionString, stopping);
        var clock = Stopwatch.StartNew();
        var seeded = await new CinemaSeeder(db).SeedAsync(plan, cut, reset: true, null, stopping);
        Say($"seeded the cinema database from {options.Dataset.Name} in {clock.Elapsed.TotalSeconds:F1} s: {seeded.Counts}; " +
            $"{plan.Tickets.Count - cut.SeededTickets} tickets left to replay");

        var apiPort = LoopbackPort.Next();
        var pageUrl = DemoRoles.PageUrl(apiPort);
        // The workers join their group before any data flows: with the mock broker, a member that joins while
        // the other is already processing makes the busy one drop its tasks and rejoin (the mock refuses commits
        // while its group joins), a pause of several seconds the demo has no reason to show.
        // A fresh key every run, kept in a file only its user can read: the console shows where, never the key.
        var (apiKey, apiKeyHash) = ApiKeyHash.New();
        var keyFile = DemoRoles.ApiKeyFile(layout);
        await File.WriteAllTextAsync(keyFile, "", stopping);
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the demo's stack runs on Linux");
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(keyFile, apiKey + "\n", stopping);
        var roles = DemoRoles.For(layout, Path.GetFullPath(options.ModelPath), apiPort, apiKeyHash);
        foreach (var role in roles.Where(DemoRoles.IsWorker)) Start(role);
        await WaitForWorkersAsync(stopping);
        foreach (var role in roles.Where(r => !DemoRoles.IsWorker(r))) Start(role);
        children.Sort((a, b) => IndexOf(roles, a.Spec).CompareTo(IndexOf(roles, b.Spec)));
        await WaitForApiAsync(apiPort, stopping);
        Say($"page: {pageUrl} (sign in with the key in {keyFile})   featured movie: {featured.Title} (#{featured.MovieId})");

        var kafka = new ConfigurationBuilder().AddInsightsSources().Build().KafkaSettings();
        using var probe = new PipelineProbe(kafka, DemoRoles.ApplicationId);
        using var latency = new ScoreLatency(kafka);
        latency.Start(await ScorePartitionsAsync(kafka));
        using var audience = new AudienceProbe(new Uri(pageUrl), apiKey, featured.MovieId);

        using var live = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        if (options.Duration is { } duration) live.CancelAfter(duration);
        var replayed = new ReplayCounter();
        var replay = Task.Run(async () =>
        {
            await using var replayDb = await DemoDatabase.OpenAsync(connectionString, CancellationToken.None);
            return await new TicketReplay(replayDb, plan).RunAsync(options.TicketsPerSecond, null, replayed, live.Token);
        }, CancellationToken.None);

        var meter = new FigureMeter(probe, latency, audience, featured, replayed, children);
        await DemoDashboard.RunAsync(options.Dashboard, pageUrl, meter.MeasureAsync, output, live.Token);
        await live.CancelAsync();
        var outcome = await replay;
        var last = await meter.MeasureAsync();
        Say($"replayed {outcome.Inserted} tickets; final: {last.SummaryLine()}");
        // A role that dies is shown on the dashboard and the rest keeps running; the run then fails at the end.
        var died = children.Where(c => c.HasExited).ToList();
        foreach (var dead in died) Say($"{dead.Name} exited with code {dead.ExitCode} during the run: {dead.Tail(1)} (log {dead.LogFile})");
        return died.Count == 0 ? 0 : 1;
    }

    private void Start(RoleSpec role)
    {
        children.Add(RoleProcess.Start(role, program, layout.Logs, layout.Repository));
        leftovers.Record(children);
        Say($"started {role.Name} (pid {children[^1].Id}){(role.ObservabilityUrl is { } url ? $", health and metrics at {url}/healthz /readyz /metrics" : "")}");
    }

    private static int IndexOf(IReadOnlyList<RoleSpec> roles, RoleSpec role) => roles.ToList().IndexOf(role);

    private async Task WaitForWorkersAsync(CancellationToken stopping)
    {
        var deadline = Stopwatch.StartNew();
        while (!Enumerable.Range(1, DemoRoles.Workers).All(i => File.Exists(DemoRoles.ReadyFile(layout, i))))
        {
            FailIfAnyExited("starting");
            if (deadline.Elapsed > StartTimeout) throw new CommandLineError($"demo: the workers were not running within {StartTimeout.TotalSeconds:F0} s (logs {layout.Logs})");
            await Task.Delay(250, stopping);
        }
        Say($"both workers are running (group {DemoRoles.ApplicationId}) after {deadline.Elapsed.TotalSeconds:F1} s");
    }

    private void FailIfAnyExited(string when)
    {
        if (children.FirstOrDefault(c => c.HasExited) is { } dead)
            throw new CommandLineError($"demo: {dead.Name} exited with code {dead.ExitCode} while {when}: {dead.Tail()} (log {dead.LogFile})");
    }

    private async Task WaitForApiAsync(int port, CancellationToken stopping)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            FailIfAnyExited("starting");
            try
            {
                using var answer = await http.GetAsync($"http://127.0.0.1:{port}/openapi/v1.json", stopping);
                if (answer.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!stopping.IsCancellationRequested) { }
            if (deadline.Elapsed > StartTimeout) throw new CommandLineError($"demo: the api did not answer within {StartTimeout.TotalSeconds:F0} s (log {Path.Combine(layout.Logs, "api.log")})");
            await Task.Delay(500, stopping);
        }
    }

    private static async Task<int> ScorePartitionsAsync(KafkaSettings kafka)
    {
        using var admin = new AdminClientBuilder(kafka.ApplyTo(new AdminClientConfig())).SetLogHandler((_, _) => { }).Build();
        return await Task.Run(() => admin.GetMetadata(DemoRoles.ScoresTopic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count);
    }

    /// <summary>Children in reverse start order (api, sink, workers, capture), then the stack unless it is to be kept.</summary>
    private async Task StopAsync()
    {
        if (children.Count > 0) Say("stopping the roles: api, sink, workers, capture (SIGTERM, SIGKILL after 30 s)...");
        for (var i = children.Count - 1; i >= 0; i--)
        {
            Say((await children[i].StopAsync(StopGrace)).ToString());
            children[i].Dispose();
        }
        children.Clear();
        leftovers.Clear();
        if (options.KeepStack) Say("the stack is left running (--keep-stack): stack/down stops it");
        else
        {
            try { await stack.DownAsync(CancellationToken.None); Say("stack stopped (pass --keep-stack to leave it running)"); }
            catch (CommandLineError e) { Say(e.Message); }
        }
        Say($"logs: {layout.Logs}");
    }

    private void Say(string line) => output.WriteLine($"demo: {line}");

    /// <summary>Replay progress, read by the dashboard from another thread.</summary>
    private sealed class ReplayCounter : IProgress<ReplayProgress>
    {
        private readonly Lock gate = new();
        private ReplayProgress last;

        public ReplayProgress Last { get { lock (gate) return last; } }

        public void Report(ReplayProgress value) { lock (gate) last = value; }
    }

    /// <summary>Takes one reading of every figure; the event rate is the CDC growth since the previous reading.</summary>
    private sealed class FigureMeter(PipelineProbe probe, ScoreLatency latency, AudienceProbe audience, FeaturedMovie movie,
        ReplayCounter replayed, IReadOnlyList<RoleProcess> roles)
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private (TimeSpan At, long Events)? previous;

        public async Task<DemoFigures> MeasureAsync()
        {
            PipelineOffsets? offsets = null;
            string? problem = null;
            try { offsets = await Task.Run(probe.ReadAsync); }
            catch (KafkaException e) { problem = e.Error.Reason; }
            var now = clock.Elapsed;
            var rate = 0.0;
            if (offsets is not null)
            {
                if (previous is { } p && now > p.At) rate = (offsets.CdcEvents - p.Events) / (now - p.At).TotalSeconds;
                previous = (now, offsets.CdcEvents);
            }
            var view = await audience.ReadAsync(CancellationToken.None);
            var progress = replayed.Last;
            return new DemoFigures(now, rate, offsets, problem, latency.Summary(), progress.Done, progress.TicketsPerSecond, movie, view,
                [.. roles.Select(r => (r.Name, r.ExitCode))]);
        }
    }
}
