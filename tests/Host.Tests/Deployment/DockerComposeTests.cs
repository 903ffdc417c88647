using System.Text.Json;
using System.Text.RegularExpressions;
using Insights.Api;
using Insights.Api.Access;
using Insights.Capture;
using Insights.Contracts.Configuration;
using Insights.Contracts.Topics;
using Insights.Fixtures;
using Insights.Host;
using Insights.Processors.Hosting;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Snapshots;
using Insights.TestSupport;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Insights.Host.Tests.Deployment;

/// <summary>
/// docker-compose.yml cannot start here (no Docker engine), so its structure is checked instead: every
/// reference in it must point at something that exists.
/// </summary>
public sealed partial class DockerComposeTests
{
    private static readonly string Root = RepositoryPaths.Root;
    /// <summary>docker-compose.yml's services, merge keys resolved.</summary>
    internal static readonly Dictionary<string, Dictionary<object, object>> Services = LoadServices();


    [Fact]
    public void Defines_every_part_of_the_production_stack()
    {
        foreach (var name in new[] { "mariadb", "kafka", "topics", "connect", "connect-register", "elasticsearch", "minio", "minio-bucket", "worker", "sink", "api" })
            Assert.True(Services.ContainsKey(name), $"service {name} missing");
        Assert.Equal("2", Get(Services["worker"], "deploy", "replicas"));
    }

    [Fact]
    public void Pins_every_image_to_a_version_or_builds_it_from_the_Dockerfile()
    {
        foreach (var (name, service) in Services)
        {
            if (service.TryGetValue("build", out var context))
            {
                Assert.True(File.Exists(Path.Combine(Root, (string)context, "Dockerfile")), $"{name}: no Dockerfile in {context}");
                continue;
            }
            var image = Assert.IsType<string>(service["image"]);
            Assert.Matches(@":[\w.\-]+$", image);
            Assert.DoesNotContain(":latest", image);
        }
    }

    [Fact]
    public void Depends_only_on_services_it_defines()
    {
        foreach (var (name, service) in Services)
            if (service.TryGetValue("depends_on", out var deps))
                foreach (var dep in ((Dictionary<object, object>)deps).Keys)
                    Assert.True(Services.ContainsKey((string)dep), $"{name} depends on unknown service {dep}");
    }

    [Fact]
    public void Mounts_only_files_that_exist_in_the_repository()
    {
        foreach (var (name, service) in Services)
            foreach (var volume in List(service, "volumes").Where(v => v.StartsWith("./", StringComparison.Ordinal)))
            {
                var source = volume.Split(':')[0];
                var path = Path.Combine(Root, source);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{name} mounts {source}, which does not exist");
            }
    }

    [Fact]
    public void Publishes_ports_on_loopback_only()
    {
        foreach (var (name, service) in Services)
            foreach (var port in List(service, "ports"))
                Assert.True(port.StartsWith("127.0.0.1:", StringComparison.Ordinal), $"{name} publishes {port} beyond loopback");
    }

    [Fact]
    public void Takes_every_password_from_the_environment_never_from_the_file()
    {
        foreach (var (name, service) in Services)
            if (service.TryGetValue("environment", out var env))
                foreach (var (key, value) in (Dictionary<object, object>)env)
                    if (Regex.IsMatch((string)key, "PASSWORD|SECRET", RegexOptions.IgnoreCase))
                        Assert.Matches(@"^\$\{[A-Z_]+:\?", (string)value);
    }

    [Fact]
    public void Runs_only_insights_commands_that_exist()
    {
        foreach (var (name, service) in Services.Where(s => s.Value.ContainsKey("build")))
        {
            var args = List(service, "command").ToArray();
            var result = InsightsCommands.Root().Parse(args);
            Assert.True(result.Errors.Count == 0, $"{name}: `insights {string.Join(' ', args)}` does not parse: {result.Errors.FirstOrDefault()?.Message}");
        }
    }

    [Fact]
    public void Creates_the_topics_of_the_manifest_the_image_carries()
    {
        var args = List(Services["topics"], "command").ToList();
        Assert.Equal("/app/topics.json", args[args.IndexOf("--manifest") + 1]);
        Assert.Contains("COPY stack/topics.json ./topics.json", File.ReadAllText(Path.Combine(Root, "Dockerfile")));
        Assert.NotEmpty(TopicManifest.Load(Path.Combine(Root, "stack", "topics.json")).Topics);
    }

    [Fact]
    public void Registers_connectors_whose_topics_are_in_the_manifest()
    {
        Assert.True(File.Exists(Path.Combine(Root, "connect", "register.sh")), "connect/register.sh missing");
        var topics = TopicManifest.Load(Path.Combine(Root, "stack", "topics.json")).Topics.Select(t => t.Name).ToHashSet();
        var connectors = Directory.GetFiles(Path.Combine(Root, "connect"), "*.json");
        Assert.NotEmpty(connectors);
        foreach (var file in connectors)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var config = json.RootElement.TryGetProperty("config", out var nested) ? nested : json.RootElement;
            Assert.Equal("io.debezium.connector.mariadb.MariaDbConnector", config.GetProperty("connector.class").GetString());
            var prefix = config.GetProperty("topic.prefix").GetString();
            foreach (var table in config.GetProperty("table.include.list").GetString()!.Split(','))
                Assert.Contains($"{prefix}.{table.Trim()}", topics);
        }
    }

    [Fact]
    public void Keys_ticket_events_by_member_as_the_built_in_capture_does()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "connect", "cinema-cdc.json")));
        Assert.Equal(MessageKeyColumns.Default, json.RootElement.GetProperty("message.key.columns").GetString());
        // Debezium silently keys by the primary key when the named column does not exist.
        var schema = File.ReadAllText(Path.Combine(Root, "schema", "cinema.sql"));
        Assert.Matches(@"CREATE TABLE IF NOT EXISTS tickets \([^;]*\n\s*member_id\s", schema);
    }

    [Fact]
    public void Builds_a_multi_stage_image_that_runs_as_a_non_root_user()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "Dockerfile"));
        Assert.True(lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)) >= 2, "not multi-stage");
        var user = lines.Last(l => l.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..].Trim();
        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);
        foreach (var copy in lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from")))
            foreach (var source in copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
                Assert.True(File.Exists(Path.Combine(Root, source)) || Directory.Exists(Path.Combine(Root, source)), $"Dockerfile copies missing {source}");
    }

    [Fact]
    public void Gives_every_insights_service_settings_its_role_accepts()
    {
        var worker = Environment("worker").Bind<WorkerSettings>(WorkerSettings.Section);
        // The model file is the one the image copies from models/ (Dockerfile: COPY models/ ./models/).
        Assert.True(worker.ModelPath.StartsWith("/app/models/", StringComparison.Ordinal), $"worker: Processors__ModelPath is '{worker.ModelPath}', not a model the image carries");
        var modelInRepository = Path.Combine(Root, "models", worker.ModelPath["/app/models/".Length..]);
        Assert.Null((worker with { ModelPath = modelInRepository }).Problem());

        var sink = Environment("sink");
        Assert.Null(sink.Bind<ElasticsearchSettings>(ElasticsearchSettings.Section).Problem());
        var snapshots = sink.Bind<SnapshotSettings>(SnapshotSettings.Section);
        Assert.Null(snapshots.Problem());
        // Compose runs MinIO for the snapshots: a local store would write them inside the container, lost with it.
        Assert.Equal("s3", snapshots.Store);
        Assert.Null(sink.Bind<S3Endpoint>(S3EndpointCheck.Section).Problem());

        // The API's one client, with the hash `insights api key new` prints in the operator's .env.
        var api = Environment("api", ApiKeyHash.New().Hash);
        Assert.Null(api.Bind<ApiSettings>(ApiSettings.Section).Problem());
        Assert.NotEmpty(api.Bind<ApiSettings>(ApiSettings.Section).Auth.Keys);
    }

    [Fact]
    public void Hands_the_object_store_credentials_only_to_the_sink_as_its_own_user_and_the_root_password_to_no_role()
    {
        foreach (var (name, service) in Services)
            if (service.TryGetValue("environment", out var env))
                foreach (var (key, value) in (Dictionary<object, object>)env)
                {
                    // MinIO's root password: MinIO and the job that creates the bucket and the sink's user, nobody else.
                    if (name is not ("minio" or "minio-bucket"))
                        Assert.False(((string)value).Contains("MINIO_ROOT_PASSWORD", StringComparison.Ordinal), $"{name}: {key} holds MinIO's root password");
                    // The sink's own object-store secret: the sink, and the job that creates its user.
                    if (name is not ("sink" or "minio-bucket"))
                        Assert.False(((string)value).Contains("INSIGHTS_SNAPSHOT_SECRET_KEY", StringComparison.Ordinal), $"{name}: {key} holds the sink's object-store secret");
                }
        var sink = (Dictionary<object, object>)Services["sink"]["environment"];
        Assert.Equal("insights-sink", sink["AWS_ACCESS_KEY_ID"]);
        Assert.Contains("INSIGHTS_SNAPSHOT_SECRET_KEY", (string)sink["AWS_SECRET_ACCESS_KEY"]);
        // The job grants the sink's user the snapshot calls on the snapshot bucket only.
        var job = string.Join('\n', ((List<object>)Services["minio-bucket"]["entrypoint"]).Cast<string>());
        Assert.Contains("mc admin user add local insights-sink", job);
        Assert.Contains("arn:aws:s3:::insights/*", job);
        Assert.DoesNotContain("\"s3:*\"", job);
    }

    /// <summary>A service's environment as the program's configuration (Section__Key), with each required variable given a test value.</summary>
    private static IConfiguration Environment(string service, string requiredValue = "test-value")
    {
        var env = (Dictionary<object, object>)Services[service]["environment"];
        var values = env.ToDictionary(kv => ((string)kv.Key).Replace("__", ":"), kv => (string?)RequiredVariable().Replace((string)kv.Value, requiredValue));
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    [GeneratedRegex(@"\$\{[A-Z_]+:\?[^}]*\}")]
    private static partial Regex RequiredVariable();

    private static Dictionary<string, Dictionary<object, object>> LoadServices()
    {
        using var reader = new StringReader(File.ReadAllText(Path.Combine(Root, "docker-compose.yml")));
        var compose = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
        return ((Dictionary<object, object>)compose["services"]).ToDictionary(s => (string)s.Key, s => (Dictionary<object, object>)s.Value);
    }

    private static IEnumerable<string> List(Dictionary<object, object> service, string key) =>
        service.TryGetValue(key, out var value) ? ((List<object>)value).Cast<string>() : [];

    private static string? Get(Dictionary<object, object> node, params string[] path)
    {
        object current = node;
        foreach (var key in path) current = ((Dictionary<object, object>)current)[key];
        return current as string;
    }
}
