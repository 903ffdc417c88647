using Insights.Contracts.Topics;
using Insights.Processors.Hosting;
using Insights.TestSupport;

namespace Insights.DevTool.Demo.Live;

/// <summary>
/// The pipeline's long-running roles in the order they stop (reversed): capture, two workers sharing one
/// application id (distinct state dirs, a ready file each), the sink (scores -> S3 snapshots; no
/// Elasticsearch runs here) and the API (answering from the compacted scores topic). Each long-running
/// role gets its own observability address; the API its own page address.
/// </summary>
public static class DemoRoles
{
    public const int Workers = 2;

    /// <summary>The workers' consumer group, whose lag the dashboard shows.</summary>
    public static readonly string ApplicationId = WorkerSettings.Defaults.ApplicationId;

    /// <summary>Seconds between the sink's S3 snapshots: a few per demo run.</summary>
    public const int SnapshotIntervalSeconds = 60;

    /// <summary>The API client the demo's key belongs to: it reads audiences and members, as the page does.</summary>
    public const string ApiClient = "demo";

    public static IReadOnlyList<RoleSpec> For(DemoLayout layout, string modelPath, int apiPort, string apiKeyHash)
    {
        var roles = new List<RoleSpec>
        {
            Role("capture", ["capture"], new()
            {
                ["Capture__CheckpointPath"] = Path.Combine(layout.State, "capture-checkpoint.json"),
            }),
        };
        for (var i = 1; i <= Workers; i++)
            roles.Add(Role($"worker-{i}", ["worker"], new()
            {
                ["Processors__ApplicationId"] = ApplicationId,
                ["Processors__ModelPath"] = modelPath,
                ["Processors__StateDir"] = Path.Combine(layout.State, $"worker-{i}"),
                // Short, so a worker that stops hands its partitions over quickly.
                ["Processors__SessionTimeoutMs"] = "6000",
                // The demo loads a dataset's whole history in minutes (decades for MovieLens' larger sets): every session is kept.
                ["Processors__SessionRetentionDays"] = "36500",
                ["Processors__ReadyFile"] = ReadyFile(layout, i),
            }));
        roles.Add(Role("sink", ["sink"], new()
        {
            ["Elasticsearch__Enabled"] = "false",
            ["Snapshots__Store"] = "s3",
            ["Snapshots__IntervalSeconds"] = SnapshotIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Snapshots__Prefix"] = "demo-snapshots",
        }));
        roles.Add(Role("api", ["api", "--urls", PageUrl(apiPort).TrimEnd('/')], new()
        {
            ["Api__Source"] = "scores-topic",
            // The page states the workers' model and its calibration.
            ["Processors__ModelPath"] = modelPath,
            [$"Api__Auth__Keys__{ApiClient}__Hash"] = apiKeyHash,
            [$"Api__Auth__Keys__{ApiClient}__Scopes"] = string.Join(' ', Api.Access.ApiScopes.All),
        }));
        return roles;
    }

    /// <summary>The demo API's key, readable by its user only; the page signs in with it.</summary>
    public static string ApiKeyFile(DemoLayout layout) => Path.Combine(layout.State, "api-key");

    /// <summary>Present while worker <paramref name="worker"/>'s stream is RUNNING.</summary>
    public static string ReadyFile(DemoLayout layout, int worker) => Path.Combine(layout.State, $"worker-{worker}.ready");

    public static bool IsWorker(RoleSpec role) => role.Name.StartsWith("worker-", StringComparison.Ordinal);

    public static string PageUrl(int apiPort) => $"http://127.0.0.1:{apiPort}/";

    private static RoleSpec Role(string name, IReadOnlyList<string> arguments, Dictionary<string, string> environment)
    {
        var observability = $"http://127.0.0.1:{LoopbackPort.Next()}";
        environment["Observability__Urls"] = observability;
        environment[LeftoverChildren.Marker] = name;
        return new RoleSpec(name, arguments, environment, observability);
    }

    /// <summary>The topics the workers consume from the source database, whose growth is the demo's event rate.</summary>
    public static bool IsCdcTopic(string topic) => topic.StartsWith(Contracts.Cinema.CinemaTables.DefaultTopicPrefix + ".", StringComparison.Ordinal);

    public const string ScoresTopic = TopicNames.Scores;
}
