using System.Diagnostics;
using System.Net;
using Insights.Broker.Native;
using Insights.Broker.Proxy;
using Insights.Broker.Watermarks;
using Insights.Contracts.Topics;

namespace Insights.Broker;

/// <summary>What `insights-broker run` was asked to do.</summary>
internal sealed record BrokerOptions(
    string ManifestPath,
    int Brokers,
    int? Port,
    string? BootstrapFile,
    string? StatusFile,
    TimeSpan CheckInterval,
    int GroupInitialRebalanceDelayMs,
    int? OwnerPid);

/// <summary>
/// Runs the mock cluster until cancelled: topics from the manifest, optional fixed-port proxies, the
/// bootstrap file written only once topics answer, the watermark watch, and a clean teardown.
/// </summary>
internal sealed class BrokerHost(BrokerOptions options, TextWriter stdout, TextWriter stderr)
{
    private const string Loopback = "127.0.0.1";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        var manifest = TopicManifest.Load(options.ManifestPath);
        ManifestRules.Validate(manifest, options.ManifestPath);

        // Ports first: a taken port must fail before anything else is created.
        var proxies = new List<LoopbackProxy>();
        try
        {
            if (options.Port is int firstPort)
                for (var i = 0; i < options.Brokers; i++) proxies.Add(LoopbackProxy.Bind(firstPort + i));
        }
        catch (PortTakenException e)
        {
            foreach (var proxy in proxies) await proxy.DisposeAsync();
            await stderr.WriteLineAsync($"insights-broker: {e.Message}");
            return ExitCodes.PortTaken;
        }

        var library = LoadedLibrdkafka.Bind();
        var cluster = MockCluster.Create(library, options.Brokers);
        try
        {
            cluster.SetControllerId(1);
            cluster.SetGroupInitialRebalanceDelay(options.GroupInitialRebalanceDelayMs);
            var replication = Math.Min(options.Brokers, 3);
            foreach (var topic in manifest.Topics) cluster.CreateTopic(topic.Name, topic.Partitions, replication);

            var bootstrap = string.Join(',', cluster.ListenerAddresses);
            if (proxies.Count > 0)
            {
                // Broker i is advertised as the fixed port P+i-1, so clients keep using fixed addresses
                // after the bootstrap too (and after a restart of this program).
                for (var i = 0; i < proxies.Count; i++)
                {
                    cluster.Advertise(i + 1, Loopback, proxies[i].Port);
                    proxies[i].Start(IPEndPoint.Parse(cluster.ListenerAddresses[i]));
                }
                bootstrap = string.Join(',', proxies.Select(p => $"{Loopback}:{p.Port}"));
            }

            var watch = new TrimWatch(bootstrap, manifest, options.StatusFile, options.CheckInterval, stderr);
            // Readiness is proven through the address clients will use, not assumed.
            using (var probe = new WatermarkProbe(bootstrap))
            {
                var first = await Task.Run(() => probe.Read(manifest, TimeSpan.FromSeconds(30)), ct);
                if (!first.Healthy) throw new InvalidOperationException($"mock cluster not as the manifest says: {string.Join("; ", first.Problems())}");
                watch.Publish(first);
            }
            if (options.BootstrapFile is not null) AtomicFile.Write(options.BootstrapFile, bootstrap + "\n");
            await stdout.WriteLineAsync($"ready {bootstrap}");
            await stdout.FlushAsync(CancellationToken.None);
            await stderr.WriteLineAsync(
                $"INFO ready in {started.ElapsedMilliseconds} ms: {options.Brokers} mock broker(s), {manifest.Topics.Count} topics, " +
                $"librdkafka {Confluent.Kafka.Library.VersionString} from {library.Path}");

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var owner = options.OwnerPid is int pid ? OwnerWatch.ExitWhenGoneAsync(pid, stop, stderr) : Task.CompletedTask;
            await watch.RunAsync(stop.Token);
            await stop.CancelAsync();
            await owner;
            return ExitCodes.Ok;
        }
        finally
        {
            // Bootstrap file first: nobody should find an address that is about to stop answering.
            if (options.BootstrapFile is not null) File.Delete(options.BootstrapFile);
            foreach (var proxy in proxies) await proxy.DisposeAsync();
            cluster.Dispose();
            await stderr.WriteLineAsync("INFO stopped: the mock cluster kept everything in memory; its records and groups are gone");
        }
    }
}
