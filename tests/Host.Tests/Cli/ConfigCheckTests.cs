using Insights.Api.Access;
using Insights.Fixtures;
using Insights.Fixtures.Cli;
using Insights.TestSupport;

namespace Insights.Host.Tests.Cli;

/// <summary>
/// `insights config check` reads the configuration as the roles do and reports every problem of a broken one in a
/// single run, one line each naming the key, including keys no setting reads; a good configuration passes.
/// </summary>
public sealed class ConfigCheckTests
{
    private static readonly string Model = Path.Combine(RepositoryPaths.Root, "models", "propensity-ml100k.json");

    private static Dictionary<string, string> Good() => new()
    {
        ["Kafka__BootstrapServers"] = "127.0.0.1:9092",
        ["MariaDb__CaptureConnectionString"] = "Server=127.0.0.1;Port=3306;User ID=capture",
        ["Processors__ModelPath"] = Model,
        ["Elasticsearch__Url"] = "http://127.0.0.1:9200",
        ["Api__Auth__Keys__crm__Hash"] = ApiKeyHash.New().Hash,
        ["Api__Auth__Keys__crm__Scopes"] = "audience:read",
    };

    [Fact]
    public async Task A_configuration_every_role_accepts_reports_no_problem()
    {
        var run = await InsightsRun.StartAsync(["config", "check"], Good());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("capture, worker, sink, api: no problem found", run.Output.Trim());
    }

    [Fact]
    public async Task A_broken_configuration_reports_every_problem_in_one_run_one_line_each()
    {
        var settings = Good();
        settings.Remove("Kafka__BootstrapServers");
        settings["Kafka__SecurityProtocol"] = "SaslSsl";
        settings["Processors__Partitions"] = "0";
        settings["Processors__PollMs"] = "0";
        settings["Processors__ModelPth"] = Model;
        settings["Api__Auth__Keys__crm__Scopes"] = "audience:read members:write";
        settings["Api__RateLimit__Burst"] = "0";
        settings["Observability__Urls"] = "ftp://127.0.0.1:9464";

        var run = await InsightsRun.StartAsync(["config", "check", "--role", "worker", "api"], settings);

        Assert.Equal(1, run.ExitCode);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] expected =
        [
            "Processors:ModelPth is not a setting",
            "worker: Kafka:BootstrapServers is required",
            "worker: Kafka:SaslMechanism is required when Kafka:SecurityProtocol is SaslSsl",
            "worker: Processors:Partitions must be 1..1000, got 0",
            "worker: Processors:PollMs must be 1..10000, got 0",
            "worker: Observability:Urls: 'ftp://127.0.0.1:9464' is not an http(s) URL",
            "api: Api:Auth:Keys:crm:Scopes has 'members:write'",
            "api: Api:RateLimit:Burst must be 1..100000, got 0",
            "api: Observability:Urls: 'ftp://127.0.0.1:9464' is not an http(s) URL",
        ];
        // Each line starts with the fact it states; the advice after it is free to change.
        Assert.True(expected.Length == lines.Length && expected.Zip(lines).All(p => p.Second.StartsWith(p.First, StringComparison.Ordinal)),
            $"expected lines starting with:\n{string.Join('\n', expected)}\ngot:\n{run.Output}");
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task An_unknown_role_is_one_line_naming_the_roles()
    {
        var run = await InsightsRun.StartAsync(["config", "check", "--role", "scorer"], Good());

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("insights: --role 'scorer': expected capture, worker, sink, api", Assert.Single(run.ErrorLines));
    }
}
