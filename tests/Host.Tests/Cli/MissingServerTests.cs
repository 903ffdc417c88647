using Insights.Contracts.Topics;
using Insights.Fixtures;
using Insights.Fixtures.Cli;
using Insights.Fixtures.Kafka;
using Insights.TestSupport;

namespace Insights.Host.Tests.Cli;

/// <summary>A broker with no topics: something that answers Kafka's protocol in PLAINTEXT only.</summary>
public sealed class BareBroker() : KafkaBroker(new TopicManifest([]));

/// <summary>
/// Each role started with the server it needs missing (pointed at a closed port) stops by itself within a bounded
/// time and says so in one line on stderr naming the part and its address, without a stack trace.
/// </summary>
public sealed class MissingServerTests(BareBroker broker) : IClassFixture<BareBroker>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(40);
    private static readonly string Closed = $"127.0.0.1:{LoopbackPort.Next()}";
    private static readonly string Model = Path.Combine(RepositoryPaths.Root, "models", "propensity-ml100k.json");

    private static string ClosedMariaDb => $"Server=127.0.0.1;Port={Closed.Split(':')[1]};User ID=insights;Connection Timeout=3";

    public static TheoryData<string, string, string> Roles() => new()
    {
        // role command, the part the line must name, the configuration that points it at the closed port
        { "topics create --bootstrap {closed}", "Kafka", "" },
        { "capture", "Kafka", "Kafka__BootstrapServers={closed};MariaDb__CaptureConnectionString={mariadb}" },
        { "worker", "Kafka", "Kafka__BootstrapServers={closed};Processors__ModelPath={model}" },
        { "sink", "Elasticsearch", "Kafka__BootstrapServers={closed};Elasticsearch__Url=http://{closed}" },
        { "api --urls http://127.0.0.1:0", "Kafka", "Kafka__BootstrapServers={closed};Elasticsearch__Url=http://{closed};" +
            $"Api__Auth__Keys__ops__Hash=sha256:{new string('0', 64)};Api__Auth__Keys__ops__Scopes=audience:read" },
        { "snapshot take", "Kafka", "Kafka__BootstrapServers={closed}" },
    };

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task A_role_without_its_server_stops_with_one_line_naming_it(string command, string part, string settings)
    {
        var run = await InsightsRun.StartAsync(Expand(command).Split(' '), Environment(settings), Bound);

        Assert.True(run.ExitCode != 0, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains(part, line);
        Assert.Contains(Closed, line);
        Assert.False(run.HasStackTrace, run.ToString());
        Assert.True(run.Elapsed < Bound, run.ToString());
    }

    [Fact]
    public async Task Capture_with_kafka_up_and_mariadb_missing_names_mariadb()
    {
        var run = await InsightsRun.StartAsync(["capture"], new Dictionary<string, string>
        {
            ["Kafka__BootstrapServers"] = broker.BootstrapServers,
            ["MariaDb__CaptureConnectionString"] = ClosedMariaDb,
            ["Capture__CheckpointPath"] = Path.Combine(Path.GetTempPath(), $"insights-cli-{Guid.NewGuid():N}.json"),
        }, Bound);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("MariaDB", line);
        Assert.Contains(Closed, line);
    }

    [Fact]
    public async Task Sasl_ssl_against_a_plaintext_broker_fails_with_one_line_not_a_hang()
    {
        if (!broker.IsMock) Assert.Skip("the PLAINTEXT-only check needs the local mock broker; a Kafka container may speak other protocols");
        var run = await InsightsRun.StartAsync(["topics", "create", "--bootstrap", broker.BootstrapServers], new Dictionary<string, string>
        {
            ["Kafka__SecurityProtocol"] = "SaslSsl",
            ["Kafka__SaslMechanism"] = "ScramSha512",
            ["Kafka__SaslUsername"] = "insights",
            ["Kafka__SaslPassword"] = "not-the-password",
        }, Bound);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains($"Kafka at {broker.BootstrapServers}", line);
        // The cause is on the line too: the TLS handshake the plaintext listener cut off.
        Assert.Contains("SSL", line);
        Assert.DoesNotContain("not-the-password", run.Output + run.Error);
        Assert.True(run.Elapsed < Bound, run.ToString());
    }

    private static string Expand(string text) => text
        .Replace("{closed}", Closed).Replace("{mariadb}", ClosedMariaDb).Replace("{model}", Model);

    private static Dictionary<string, string> Environment(string settings) => settings
        .Split(';', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => Expand(pair).Split('=', 2))
        .ToDictionary(pair => pair[0], pair => pair[1]);
}
