using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Confluent.Kafka;
using Insights.Contracts.Topics;
using Insights.Fixtures;
using Insights.Fixtures.Kafka;
using Insights.TestSupport;

namespace Insights.Stack.Tests.Broker;

/// <summary>`insights-broker run`: start-up, the bootstrap and status files, clean shutdown, bad input.</summary>
public sealed class BrokerRunTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TopicManifest Topics = new([new TopicSpec("run-orders", 3), new TopicSpec("run-scores", 2, CleanupPolicy.Compact)]);

    [Fact]
    public async Task Ready_broker_serves_every_manifest_topic_with_its_exact_partition_count()
    {
        await using var broker = await BrokerProcess.StartAsync(Topics, ct: Ct);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        var counts = metadata.Topics.Where(t => !t.Topic.StartsWith("__")).ToDictionary(t => t.Topic, t => t.Partitions.Count);
        Assert.Equal(new Dictionary<string, int> { ["run-orders"] = 3, ["run-scores"] = 2 }, counts);
        Assert.Equal(broker.BootstrapServers, (await File.ReadAllTextAsync(broker.BootstrapFile, Ct)).Trim());
    }

    [Fact]
    public async Task Mock_cluster_runs_in_the_same_librdkafka_file_Confluent_Kafka_loaded()
    {
        // Confluent.Kafka picks its file at run time (on Debian 12 it falls back to centos8-librdkafka.so);
        // this test process makes the same choice from the same folder, so both must name one file.
        _ = Library.Version;
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var loadedHere = self.Modules.Cast<System.Diagnostics.ProcessModule>()
            .Single(m => Path.GetFileName(m.FileName).Contains("librdkafka")).FileName;

        await using var broker = await BrokerProcess.StartAsync(Topics, ct: Ct);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!broker.StandardError.Contains("INFO ready") && DateTime.UtcNow < deadline) await Task.Delay(50, Ct);

        Assert.Contains($"from {loadedHere}", broker.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_file_lists_every_partition_with_its_watermarks()
    {
        await using var broker = await BrokerProcess.StartAsync(Topics, checkInterval: TimeSpan.FromMilliseconds(200), ct: Ct);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            for (var i = 0; i < 5; i++)
                await producer.ProduceAsync(new TopicPartition("run-orders", 1), new Message<string, string> { Key = $"k{i}", Value = "v" }, Ct);
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonElement orders1;
        do
        {
            await Task.Delay(200, Ct);
            using var status = JsonDocument.Parse(await File.ReadAllTextAsync(broker.StatusFile, Ct));
            orders1 = status.RootElement.GetProperty("partitions").EnumerateArray()
                .Single(p => p.GetProperty("topic").GetString() == "run-orders" && p.GetProperty("partition").GetInt32() == 1).Clone();
            Assert.Equal(5, status.RootElement.GetProperty("partitions").GetArrayLength());
        } while (orders1.GetProperty("high").GetInt64() != 5 && DateTime.UtcNow < deadline);

        Assert.Equal(0, orders1.GetProperty("low").GetInt64());
        Assert.Equal(5, orders1.GetProperty("high").GetInt64());
    }

    [Fact]
    public async Task Sigterm_stops_the_broker_cleanly_and_removes_the_bootstrap_file()
    {
        var broker = await BrokerProcess.StartAsync(Topics, ct: Ct);
        await using var _ = broker;
        Assert.True(File.Exists(broker.BootstrapFile));

        var exitCode = await broker.StopAsync();

        Assert.Equal(0, exitCode);
        Assert.False(File.Exists(broker.BootstrapFile));
        Assert.Contains("INFO stopped", broker.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_taken_port_fails_with_one_line_naming_the_port()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => BrokerProcess.StartAsync(Topics, port: port, ct: Ct));

        Assert.Contains($"port {port} on 127.0.0.1 is already taken", error.Message, StringComparison.Ordinal);
        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_topic_without_partitions_is_refused_naming_the_topic()
    {
        var bad = new TopicManifest([new TopicSpec("no-partitions", 0)]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => BrokerProcess.StartAsync(bad, ct: Ct));

        Assert.Contains("topic 'no-partitions' has 0 partitions", error.Message, StringComparison.Ordinal);
        Assert.Contains("exited with code 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broker_stops_by_itself_when_its_owner_process_is_gone()
    {
        // The owner here is a short-lived `sleep`: when it ends, the broker must end too.
        using var owner = System.Diagnostics.Process.Start("sleep", "2")!;
        var folder = Directory.CreateTempSubdirectory("insights-broker-owner-").FullName;
        Topics.Save(Path.Combine(folder, "topics.json"));
        var result = await CommandResult.RunAsync("dotnet",
            [BrokerProcess.ProgramPath, "run", "--manifest", Path.Combine(folder, "topics.json"), "--owner-pid", owner.Id.ToString()],
            timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"owner process {owner.Id} is gone", result.Error, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }
}
