using System.Net;
using Insights.Api.Access;
using Insights.Contracts.Topics;
using Insights.Fixtures;
using Insights.Fixtures.Elasticsearch;
using Insights.Fixtures.Kafka;
using Insights.Fixtures.S3;
using Insights.Sinks.Elasticsearch;
using Insights.TestSupport;
using YamlDotNet.Serialization;

namespace Insights.Host.Tests.Deployment;

/// <summary>Every topic of the manifest the image carries, as the compose `topics` service and the Kubernetes Job create them.</summary>
public sealed class DeploymentTopics() : KafkaBroker(TopicManifest.Load(Path.Combine(RepositoryPaths.Root, "stack", "topics.json")));

/// <summary>
/// Each Insights service of docker-compose.yml and deploy/k8s, started with its own command and environment, reaches
/// readiness against the local stack: the broker, s3rver and the Elasticsearch fake stand in for Kafka, MinIO or S3
/// and Elasticsearch. Only addresses are translated (and what the local parts cannot speak: Kafka SASL/TLS and
/// Elasticsearch credentials, which the security tests cover); secrets come from test values. A setting the role
/// needs that the deployment lacks fails here, naming the service and the key.
/// </summary>
public sealed class DeploymentContractTests(DeploymentTopics broker, S3Server s3, ElasticsearchServer elasticsearch)
    : IClassFixture<DeploymentTopics>, IClassFixture<S3Server>, IClassFixture<ElasticsearchServer>
{
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(120);
    private static readonly string ApiKeyHashValue = ApiKeyHash.New().Hash;

    public static TheoryData<string, string> Services() => new()
    {
        { "docker-compose.yml", "sink" }, { "docker-compose.yml", "api" }, { "docker-compose.yml", "worker" },
        { "deploy/k8s", "sink" }, { "deploy/k8s", "api" }, { "deploy/k8s", "worker" },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Each_insights_service_starts_with_its_deployment_settings_and_reaches_readiness(string shape, string service)
    {
        var (arguments, environment) = shape == "docker-compose.yml" ? Compose(service) : Kubernetes(service);
        var (localArguments, localEnvironment, readyz) = Translate(arguments, environment);
        // The sink creates the score index; the API, alone here, reads one that exists.
        if (service == "api") await new ScoreIndex(elasticsearch.Client, Settings(localEnvironment)).EnsureAsync(TestContext.Current.CancellationToken);

        using var role = InsightsProcess.Start($"{service} ({shape})", localEnvironment, localArguments);
        var answer = await ReadyAsync(readyz, role, shape, service);

        Assert.True(answer.Status == HttpStatusCode.OK, $"{service} ({shape}) /readyz: {(int)answer.Status} {answer.Body}\n{role.Tail(30)}");
    }

    [Fact]
    public async Task A_deployment_without_a_setting_the_role_needs_fails_naming_the_service_and_the_key()
    {
        var (arguments, environment) = Compose("worker");
        var (localArguments, localEnvironment, readyz) = Translate(arguments, environment);
        localEnvironment.Remove("Processors__ModelPath");

        using var role = InsightsProcess.Start("worker (docker-compose.yml, no model)", localEnvironment, localArguments);
        var exited = await ExitAsync(role);

        Assert.True(exited, $"the worker started without Processors__ModelPath:\n{role.Tail()}");
        Assert.Contains("Processors:ModelPath is required", role.Output);
    }

    /// <summary>A compose service's command and environment, required variables given their test values.</summary>
    private static (string[] Arguments, Dictionary<string, string> Environment) Compose(string service)
    {
        var node = DockerComposeTests.Services[service];
        var arguments = ((List<object>)node["command"]).Cast<string>().ToArray();
        var environment = ((Dictionary<object, object>)node["environment"]).ToDictionary(kv => (string)kv.Key, kv => Variable((string)kv.Value));
        return (arguments, environment);
    }

    /// <summary>A Kubernetes Deployment's args and environment: its ConfigMap, literal values and Secret keys given test values.</summary>
    private static (string[] Arguments, Dictionary<string, string> Environment) Kubernetes(string component)
    {
        var documents = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "deploy", "k8s"), "*.yaml")
            .Where(f => !f.EndsWith("secret.template.yaml", StringComparison.Ordinal))
            .SelectMany(f => File.ReadAllText(f).Split("\n---", StringSplitOptions.RemoveEmptyEntries))
            .Select(d => new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>?>(d))
            .OfType<Dictionary<object, object>>().ToList();
        var config = (Dictionary<object, object>)documents.Single(d => (string)d["kind"] == "ConfigMap")["data"];
        var deployment = documents.Single(d => (string)d["kind"] == "Deployment"
            && (string)((Dictionary<object, object>)((Dictionary<object, object>)d["metadata"])["labels"])["app.kubernetes.io/component"] == component);
        var container = (Dictionary<object, object>)((List<object>)At(deployment, "spec", "template", "spec")["containers"]).Single();
        var environment = config.ToDictionary(kv => (string)kv.Key, kv => (string)kv.Value);
        foreach (var variable in ((List<object>?)container.GetValueOrDefault("env") ?? []).Cast<Dictionary<object, object>>())
            environment[(string)variable["name"]] = variable.TryGetValue("value", out var value) ? (string)value
                : SecretValue((string)At(variable, "valueFrom", "secretKeyRef")["key"]);
        return (((List<object>)container["args"]).Cast<string>().ToArray(), environment);
    }

    private static Dictionary<object, object> At(Dictionary<object, object> node, params string[] path) =>
        path.Aggregate(node, (current, key) => (Dictionary<object, object>)current[key]);

    // What an operator's secret store holds; the parts that need none of them get them dropped in Translate.
    private static string SecretValue(string key) => key switch
    {
        "api-key-hash-marketing" => ApiKeyHashValue,
        _ => $"test-{key}",
    };

    private static string Variable(string value) => value.StartsWith("${INSIGHTS_API_KEY_HASH", StringComparison.Ordinal) ? ApiKeyHashValue
        : value.StartsWith("${", StringComparison.Ordinal) ? "test-secret" : value;

    /// <summary>The deployment's settings pointed at the local parts; the URL of the role's /readyz.</summary>
    private (string[] Arguments, Dictionary<string, string> Environment, string Readyz) Translate(string[] arguments, Dictionary<string, string> environment)
    {
        var local = new Dictionary<string, string>(environment);
        // The local broker speaks plaintext only; Elasticsearch's fake has no security.
        foreach (var key in local.Keys.Where(k => k.StartsWith("Kafka__Sasl", StringComparison.Ordinal) || k.StartsWith("Kafka__Ssl", StringComparison.Ordinal)
                     || k is "Kafka__SecurityProtocol" or "Elasticsearch__ApiKey" or "Elasticsearch__Username" or "Elasticsearch__Password").ToList())
            local.Remove(key);
        local["Kafka__BootstrapServers"] = broker.BootstrapServers;
        if (local.ContainsKey("Elasticsearch__Url")) local["Elasticsearch__Url"] = elasticsearch.BaseUri.ToString();
        if (local.TryGetValue("Processors__ModelPath", out var model) && model.StartsWith("/app/models/", StringComparison.Ordinal))
            local["Processors__ModelPath"] = Path.Combine(RepositoryPaths.Root, "models", model["/app/models/".Length..]);
        // The container's own state volume (Kubernetes) or working folder (compose).
        if (arguments[0] == "worker") local["Processors__StateDir"] = Directory.CreateTempSubdirectory("insights-deployment-state-").FullName;
        if (local.GetValueOrDefault("Snapshots__Store") == "s3")
        {
            (local["S3__ServiceUrl"], local["S3__Bucket"]) = (s3.ServiceUrl, s3.Bucket);
            (local["AWS_ACCESS_KEY_ID"], local["AWS_SECRET_ACCESS_KEY"]) = (s3.AccessKey, s3.SecretKey);
        }
        var ops = $"http://127.0.0.1:{LoopbackPort.Next()}";
        local["Observability__Urls"] = ops;
        var localArguments = arguments.Select(a => a.StartsWith("http://0.0.0.0:", StringComparison.Ordinal) ? $"http://127.0.0.1:{LoopbackPort.Next()}" : a).ToArray();
        return (localArguments, local, $"{ops}/readyz");
    }

    private static ElasticsearchSettings Settings(Dictionary<string, string> environment) => new()
    {
        Url = environment["Elasticsearch__Url"],
        Alias = environment.GetValueOrDefault("Elasticsearch__Alias") ?? new ElasticsearchSettings().Alias,
    };

    private static async Task<(HttpStatusCode Status, string Body)> ReadyAsync(string readyz, InsightsProcess role, string shape, string service)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        (HttpStatusCode Status, string Body) last = (0, "not answering");
        try
        {
            await Poll.UntilAsync(async () =>
            {
                if (role.HasExited) Assert.Fail($"{service} ({shape}) exited with {role.ExitCode} before it was ready:\n{role.Tail(30)}");
                try
                {
                    using var response = await http.GetAsync(readyz, TestContext.Current.CancellationToken);
                    last = (response.StatusCode, (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Trim());
                }
                catch (HttpRequestException) { }
                return last.Status == HttpStatusCode.OK;
            }, () => $"{service} ({shape}) ready", ReadyWithin, TestContext.Current.CancellationToken, TimeSpan.FromMilliseconds(250));
        }
        catch (WaitTimedOut) { } // the caller's assertion shows the last answer
        return last;
    }

    private static async Task<bool> ExitAsync(InsightsProcess role)
    {
        try { await Poll.UntilAsync(() => role.HasExited, () => "the process to exit", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken, TimeSpan.FromMilliseconds(100)); }
        catch (WaitTimedOut) { }
        return role.HasExited;
    }
}
