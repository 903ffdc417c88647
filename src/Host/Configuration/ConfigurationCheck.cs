using System.Reflection;
using Insights.Api;
using Insights.Capture;
using Insights.Contracts;
using Insights.Contracts.Configuration;
using Insights.Host.Observability;
using Insights.Processors.Hosting;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Hosting;
using Insights.Sinks.Kafka;
using Insights.Sinks.Snapshots;
using Microsoft.Extensions.Configuration;

namespace Insights.Host.Configuration;

/// <summary>
/// What `insights config check` reports: every problem a role would meet at start-up with a configuration, in one
/// run. Each section is checked as the role checks it (a role stops at the first problem; this goes on: every wrong
/// key of Kafka, Processors and Api, the first of the other sections), and every key under an Insights section that
/// is no setting is named: a misspelt key is otherwise ignored in silence.
/// </summary>
public static class ConfigurationCheck
{
    public static readonly IReadOnlyList<string> Roles = ["capture", "worker", "sink", "api"];

    /// <summary>The settings record each section binds into.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        [KafkaSettings.Section] = typeof(KafkaSettings),
        [MariaDbSettings.Section] = typeof(MariaDbSettings),
        [CaptureSettings.Section] = typeof(CaptureSettings),
        [WorkerSettings.Section] = typeof(WorkerSettings),
        [ElasticsearchSettings.Section] = typeof(ElasticsearchSettings),
        [SnapshotSettings.Section] = typeof(SnapshotSettings),
        [S3EndpointCheck.Section] = typeof(S3Endpoint),
        [SinkErrorSettings.Section] = typeof(SinkErrorSettings),
        [ApiSettings.Section] = typeof(ApiSettings),
        [ObservabilitySettings.Section] = typeof(ObservabilitySettings),
    };

    /// <summary>The problems of <paramref name="role"/>'s configuration, one line each, naming the key; empty when it would start.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration, string role)
    {
        var problems = new List<string>();
        void Check(Func<string?> check)
        {
            try { if (check() is { } problem) problems.Add(problem); }
            catch (CommandLineError e) { problems.Add(e.Message); }
        }
        void CheckAll(IEnumerable<string> all) => problems.AddRange(all);
        T Bound<T>(string section) where T : new()
        {
            try { return configuration.Bind<T>(section); }
            catch (CommandLineError e) { problems.Add(e.Message); return new T(); }
        }

        var kafka = Bound<KafkaSettings>(KafkaSettings.Section);
        switch (role)
        {
            case "capture":
                CheckAll(kafka.Problems());
                CheckAll(Bound<CaptureSettings>(CaptureSettings.Section).Problems(Bound<MariaDbSettings>(MariaDbSettings.Section)));
                break;
            case "worker":
                CheckAll(kafka.Problems());
                CheckAll(Bound<WorkerSettings>(WorkerSettings.Section).Problems());
                break;
            case "sink":
                CheckAll(kafka.Problems());
                var elasticsearch = Bound<ElasticsearchSettings>(ElasticsearchSettings.Section);
                var snapshots = Bound<SnapshotSettings>(SnapshotSettings.Section);
                Check(elasticsearch.Problem);
                Check(snapshots.Problem);
                Check(() => Bound<SinkErrorSettings>(SinkErrorSettings.Section).Problem());
                if (snapshots.Store == "s3") Check(() => Bound<S3Endpoint>(S3EndpointCheck.Section).Problem());
                Check(() => SinkServices.NothingToDo(elasticsearch, snapshots));
                break;
            case "api":
                var api = Bound<ApiSettings>(ApiSettings.Section);
                CheckAll(api.Problems());
                if (api.FromTopic) CheckAll(kafka.Problems());
                else Check(() => Bound<ElasticsearchSettings>(ElasticsearchSettings.Section).Problem());
                break;
            default:
                throw new CommandLineError($"--role '{role}': expected {string.Join(", ", Roles)}");
        }
        Check(() => Bound<ObservabilitySettings>(ObservabilitySettings.Section).Problem());
        return [.. problems.Select(p => p.StartsWith("configuration: ", StringComparison.Ordinal) ? p["configuration: ".Length..] : p).Distinct()];
    }

    /// <summary>Keys under an Insights section that no setting reads.</summary>
    public static IEnumerable<string> UnknownKeys(IConfiguration configuration)
    {
        foreach (var section in configuration.GetChildren())
        {
            if (Sections.TryGetValue(section.Key, out var type))
                foreach (var unknown in Unknown(section, type)) yield return unknown;
        }
    }

    private static IEnumerable<string> Unknown(IConfigurationSection section, Type type)
    {
        foreach (var child in section.GetChildren())
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                // Every key names an entry (an API client, say); its value is checked against the entry's type.
                foreach (var unknown in Unknown(child, type.GetGenericArguments()[1])) yield return unknown;
                continue;
            }
            var property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || property.SetMethod is null)
            {
                var known = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null).Select(p => p.Name);
                yield return $"{child.Path} is not a setting (known in {section.Path}: {string.Join(", ", known)})";
            }
            else if (!IsLeaf(property.PropertyType))
                foreach (var unknown in Unknown(child, property.PropertyType)) yield return unknown;
        }
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type.IsArray
        || Nullable.GetUnderlyingType(type) is not null || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true && !type.IsGenericType;
}
