using System.Text.Json;
using Confluent.Kafka;
using Insights.Contracts.Topics;

namespace Insights.Broker.Watermarks;

/// <summary>
/// Every interval, reads all watermarks, writes them to the status file and logs one ERROR line on stderr
/// for each partition whose low watermark moved above 0, or above what its purging group committed (or further up), since the last look: the mock
/// drops a partition's oldest records beyond 5 MiB without a word, and this makes that loss loud.
/// </summary>
internal sealed class TrimWatch(string bootstrapServers, TopicManifest manifest, string? statusFile, TimeSpan interval, TextWriter log)
{
    private readonly Dictionary<(string Topic, int Partition), long> reportedLow = [];

    public async Task RunAsync(CancellationToken ct)
    {
        using var probe = new WatermarkProbe(bootstrapServers);
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                // The probe's calls block; keep them off the thread that handles shutdown.
                var report = await Task.Run(() => probe.Read(manifest, TimeSpan.FromSeconds(10)), ct);
                Publish(report);
            }
            catch (KafkaException e)
            {
                await log.WriteLineAsync($"WARN watermark check failed: {e.Error.Reason}");
            }
            catch (OperationCanceledException)
            {
                return;
            }
        } while (await NextTickAsync(timer, ct));
    }

    public void Publish(WatermarkReport report)
    {
        foreach (var p in report.Trimmed)
        {
            var key = (p.Topic, p.Partition);
            if (reportedLow.TryGetValue(key, out var seen) && seen >= p.Low) continue;
            reportedLow[key] = p.Low;
            log.WriteLine($"ERROR {p.TrimProblem}");
        }
        if (statusFile is not null)
            AtomicFile.Write(statusFile, JsonSerializer.Serialize(report, BrokerJsonContext.Default.WatermarkReport));
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
