using System.Text.Json;
using Insights.Fixtures.Cli;
using Insights.TestSupport;

namespace Insights.Host.Tests.Observability;

/// <summary>
/// Logging:Format=json makes every log entry of a role one JSON object on its own line (for log collectors), and
/// with the observability endpoint on, configured secrets still never appear in what the role prints.
/// </summary>
public sealed class JsonLogTests
{
    private const string KafkaPassword = "obs-kafka-sasl-secret-5811";
    private const string ElasticsearchApiKey = "b2JzLWVzLWFwaS1rZXktNTgxMg==";
    private const string S3SecretKey = "obs-s3-secret-5813";

    private const string MariaDbPassword = "obs-mariadb-secret-5814";

    public static TheoryData<string> Roles() => new() { "capture", "worker", "sink" };

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task A_role_logs_json_lines_without_secrets(string role)
    {
        var closed = $"127.0.0.1:{LoopbackPort.Next()}";
        var run = await InsightsRun.StartAsync([role], new Dictionary<string, string>
        {
            ["Logging__Format"] = "json",
            ["Observability__Urls"] = $"http://127.0.0.1:{LoopbackPort.Next()}",
            ["Kafka__BootstrapServers"] = closed,
            ["Kafka__SecurityProtocol"] = "SaslPlaintext",
            ["Kafka__SaslMechanism"] = "Plain",
            ["Kafka__SaslUsername"] = "insights",
            ["Kafka__SaslPassword"] = KafkaPassword,
            ["Elasticsearch__Url"] = $"http://{closed}",
            ["Elasticsearch__ApiKey"] = ElasticsearchApiKey,
            ["S3__ServiceUrl"] = $"http://{closed}",
            ["S3__AccessKey"] = "obs-access-key",
            ["S3__SecretKey"] = S3SecretKey,
            ["Processors__ModelPath"] = Path.Combine(RepositoryPaths.Root, "models", "propensity-ml100k.json"),
            ["MariaDb__CaptureConnectionString"] = $"Server=127.0.0.1;Port={LoopbackPort.Next()};User ID=capture;Password={MariaDbPassword}",
        }, TimeSpan.FromSeconds(60));

        var logLines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(logLines);
        foreach (var line in logLines)
        {
            using var entry = JsonDocument.Parse(line);
            Assert.True(entry.RootElement.TryGetProperty("LogLevel", out _), $"not a JSON log entry: {line}");
        }
        foreach (var secret in new[] { KafkaPassword, ElasticsearchApiKey, S3SecretKey, MariaDbPassword })
            Assert.DoesNotContain(secret, run.Output + run.Error);
    }

    [Fact]
    public async Task An_unknown_log_format_is_an_error_naming_the_key()
    {
        var run = await InsightsRun.StartAsync(["worker"], new Dictionary<string, string> { ["Logging__Format"] = "xml" });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Logging:Format", run.Error);
    }
}
