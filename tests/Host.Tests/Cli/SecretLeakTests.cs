using Insights.Fixtures.Cli;
using Insights.TestSupport;
namespace Insights.Host.Tests.Cli;

/// <summary>
/// Secrets configured for every part (Kafka SASL password and TLS key passphrase, Elasticsearch API key and password,
/// S3 secret key, MariaDB passwords, an API key pasted where its hash belongs) never appear in what the program prints: not in start-up logs, not in the one
/// line of a failure, not in a configuration error about the very setting that holds them.
/// </summary>
public sealed class SecretLeakTests
{
    private const string KafkaPassword = "kafka-sasl-secret-4711";
    private const string ElasticsearchApiKey = "ZXMtYXBpLWtleS1zZWNyZXQtNDcxMg==";
    private const string S3SecretKey = "s3-secret-key-4713";
    private const string MariaDbPassword = "mariadb-secret-4714";
    private static readonly string ApiKey = Api.Access.ApiKeyHash.New().Key;
    private static readonly string[] Secrets = [KafkaPassword, ElasticsearchApiKey, S3SecretKey, MariaDbPassword, ApiKey];

    private static readonly string Closed = $"127.0.0.1:{LoopbackPort.Next()}";
    private static readonly string Model = Path.Combine(RepositoryPaths.Root, "models", "propensity-ml100k.json");

    private static Dictionary<string, string> Configured() => new()
    {
        ["Kafka__BootstrapServers"] = Closed,
        ["Kafka__SecurityProtocol"] = "SaslPlaintext",
        ["Kafka__SaslMechanism"] = "Plain",
        ["Kafka__SaslUsername"] = "insights",
        ["Kafka__SaslPassword"] = KafkaPassword,
        ["Elasticsearch__Url"] = $"http://{Closed}",
        ["Elasticsearch__ApiKey"] = ElasticsearchApiKey,
        ["S3__ServiceUrl"] = $"http://{Closed}",
        ["S3__AccessKey"] = "insights-access-key",
        ["S3__SecretKey"] = S3SecretKey,
        ["Snapshots__Store"] = "s3",
        ["MariaDb__ConnectionString"] = $"Server=127.0.0.1;Port={Closed.Split(':')[1]};User ID=insights;Password={MariaDbPassword};Connection Timeout=3",
        ["MariaDb__CaptureConnectionString"] = $"Server=127.0.0.1;Port={Closed.Split(':')[1]};User ID=capture;Password={MariaDbPassword};Connection Timeout=3",
        ["Processors__ModelPath"] = Model,
        ["Api__Auth__Keys__crm__Hash"] = Api.Access.ApiKeyHash.Of(ApiKey),
        ["Api__Auth__Keys__crm__Scopes"] = "audience:read",
    };

    public static TheoryData<string> Roles() => new()
    {
        "worker", "sink", "capture", "api --urls http://127.0.0.1:0", "snapshot take", "snapshot list",
    };

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task A_role_failing_at_start_up_prints_no_secret(string command)
    {
        var run = await InsightsRun.StartAsync(command.Split(' '), Configured(), TimeSpan.FromSeconds(40));

        Assert.True(run.ExitCode != 0, run.ToString());
        AssertNoSecret(run);
    }

    public static TheoryData<string, string, string> ConfigurationErrors() => new()
    {
        // a wrong value in a setting that holds (or sits beside) a secret, the command, the key the error must name
        { "MariaDb__CaptureConnectionString", $"Server=127.0.0.1;Port=notaport;User ID=capture;Password={MariaDbPassword}", "capture" },
        { "MariaDb__CaptureConnectionString", $"Server=127.0.0.1;Password={MariaDbPassword};Bogus=1", "capture" },
        { "Elasticsearch__Url", $"http://insights:{ElasticsearchApiKey}@{Closed}", "sink" },
        { "Kafka__SaslMechanism", "NoSuchMechanism", "worker" },
        { "Kafka__SslKeyLocation", "/nowhere/client.key", "worker" },
        { "Api__Auth__Keys__crm__Hash", ApiKey, "api --urls http://127.0.0.1:0" },
    };

    [Theory]
    [MemberData(nameof(ConfigurationErrors))]
    public async Task A_configuration_error_names_the_key_without_echoing_a_secret(string key, string value, string command)
    {
        var settings = Configured();
        settings[key] = value;
        if (key == "Kafka__SslKeyLocation") settings["Kafka__SecurityProtocol"] = "SaslSsl";

        var run = await InsightsRun.StartAsync(command.Split(' '), settings, TimeSpan.FromSeconds(40));

        Assert.True(run.ExitCode != 0, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains(key.Replace("__", ":"), line);
        Assert.False(run.HasStackTrace, run.ToString());
        AssertNoSecret(run);
    }

    private static void AssertNoSecret(InsightsRun run)
    {
        foreach (var secret in Secrets)
            Assert.False((run.Output + run.Error).Contains(secret, StringComparison.Ordinal), $"the output shows a secret ({secret[..6]}...):\n{run}");
    }
}
