using System.Text.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Insights.Capture.Telemetry;
using Insights.Contracts.Configuration;
using Insights.Contracts.Scores;
using Insights.Fixtures;
using Insights.Host.Observability;
using Insights.Host.Tests.Observability;
using Insights.Processors.Telemetry;
using Insights.Sinks;
using Insights.Sinks.Telemetry;
using Insights.TestSupport;

namespace Insights.Host.Tests.Deployment;

/// <summary>
/// No Grafana runs here, so deploy/grafana/insights.json is checked against what the roles really serve: every
/// metric its PromQL queries name must be a series of a running /metrics, and every panel must read the
/// data source the importer picks.
/// </summary>
public sealed partial class GrafanaDashboardTests(ObservedTopics broker) : IClassFixture<ObservedTopics>
{
    private const string DatasourceVariable = "${datasource}";

    private static readonly JsonElement Dashboard =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "grafana", "insights.json"))).RootElement;

    // What the dashboard is for, and the series (histograms by their base name) each subject needs.
    private static readonly Dictionary<string, string[]> Subjects = new()
    {
        ["events per second per role"] = ["insights_capture_events_total", "insights_worker_events_total", "insights_sink_indexed_total"],
        ["consumer lag per partition"] = ["insights_kafka_consumer_lag"],
        ["event-to-score latency"] = ["insights_worker_score_latency_seconds"],
        ["dead letters per second"] = ["insights_worker_dead_letters_total", "insights_sink_dead_letters_total"],
        ["sink retries per second"] = ["insights_sink_retries_total"],
        ["snapshot age"] = ["insights_sink_snapshot_age_seconds"],
    };

    // Identifiers that may stand in an expression without being metrics (functions are told apart by their "(").
    private static readonly HashSet<string> PromQlWords =
        ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless", "inf", "nan"];

    [Fact]
    public async Task Every_metric_the_dashboard_queries_is_exported_by_a_running_role()
    {
        var queried = QueriedMetrics();
        Assert.NotEmpty(queried);

        // Every role's server exports every Insights meter, so one server shows them all; the sink's polls lag,
        // here of a group that committed once (as the sink's own group has), on the broker MetricsEndpointTests uses.
        const string group = "dashboard-group";
        using (var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = group }).Build())
            consumer.Commit([new TopicPartitionOffset(MetricsEndpointTests.LagTopic, 0, 0)]);
        await using var role = await ObservedRole.StartAsync("sink", RoleReadiness.FromProbes(),
            new KafkaSettings { BootstrapServers = broker.BootstrapServers }, new ConsumerGroupWatch(group, [MetricsEndpointTests.LagTopic]));
        RecordOnEveryInstrument();

        // Observable gauges and the lag poller report on their own schedule: scrape until all are there, or 30 s.
        var metrics = "";
        List<string> missing = [];
        try
        {
            await Poll.UntilAsync(async () =>
            {
                metrics = await role.MetricsAsync();
                missing = [.. queried.Where(name => !IsSeries(metrics, name)).Order(StringComparer.Ordinal)];
                return missing.Count == 0;
            }, () => "every queried series", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken, TimeSpan.FromMilliseconds(200));
        }
        catch (WaitTimedOut) { } // the assertion below names what is missing

        var exported = metrics.Split('\n').Where(l => l.StartsWith("insights_", StringComparison.Ordinal))
            .Select(l => l.Split('{', ' ')[0]).Distinct().Order(StringComparer.Ordinal);
        Assert.True(missing.Count == 0,
            $"the dashboard queries series no role exports: {string.Join(", ", missing)}\nexported: {string.Join(", ", exported)}");
    }

    [Fact]
    public void The_queries_cover_throughput_lag_latency_dead_letters_retries_and_snapshot_age()
    {
        var bases = QueriedMetrics().Select(HistogramBase).ToHashSet();
        Assert.NotEmpty(bases);
        foreach (var (subject, series) in Subjects)
            foreach (var name in series)
                Assert.True(bases.Contains(name), $"{subject}: no query reads {name}");

        var exprs = Targets().Select(t => t.GetProperty("expr").GetString()!).ToList();
        foreach (var q in new[] { "0.5", "0.95", "0.99" })
            Assert.Contains(exprs, e => e.StartsWith($"histogram_quantile({q}, ", StringComparison.Ordinal) && e.Contains("insights_worker_score_latency_seconds_bucket"));
        Assert.Contains(Panels(), p => p.GetProperty("type").GetString() == "heatmap"
            && p.GetProperty("targets").EnumerateArray().Any(t => t.GetProperty("expr").GetString()!.Contains("insights_worker_score_latency_seconds_bucket")));
    }

    [Fact]
    public void Every_panel_and_query_reads_the_datasource_variable_and_no_fixed_data_source()
    {
        Assert.Equal(39, Dashboard.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("insights", Dashboard.GetProperty("uid").GetString());
        var variable = Dashboard.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Single(v => v.GetProperty("name").GetString() == "datasource");
        Assert.Equal("datasource", variable.GetProperty("type").GetString());
        Assert.Equal("prometheus", variable.GetProperty("query").GetString());

        foreach (var item in Panels().Concat(Targets()))
            Assert.True(item.TryGetProperty("datasource", out _), $"no datasource on {item}");
        // Anywhere in the model (annotations, rows, overrides): only the variable, never a data source's own uid.
        foreach (var datasource in DatasourceValues(Dashboard))
        {
            if (datasource.ValueKind == JsonValueKind.String)
                Assert.Equal(DatasourceVariable, datasource.GetString());
            else
            {
                Assert.Equal("prometheus", datasource.GetProperty("type").GetString());
                Assert.Equal(DatasourceVariable, datasource.GetProperty("uid").GetString());
            }
        }
    }

    [Fact]
    public void Every_panel_has_a_title_and_a_description()
    {
        Assert.NotEmpty(Panels());
        foreach (var panel in Panels())
        {
            Assert.False(string.IsNullOrWhiteSpace(Text(panel, "title")), $"panel {panel.GetProperty("id")} has no title");
            Assert.False(string.IsNullOrWhiteSpace(Text(panel, "description")), $"panel {Text(panel, "title")} has no description");
        }
    }

    /// <summary>One value on every instrument, through the classes the roles record with.</summary>
    private static void RecordOnEveryInstrument()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        CaptureMetrics.Delivered("dashboard.capture");
        ProcessorMetrics.EventRead("dashboard.cdc");
        ProcessorMetrics.DeadLettered("parse", new FormatException("dashboard test"));
        ProcessorMetrics.ScoreEmitted(now - 1_000);
        SinkMetrics.Retried();
        SinkMetrics.DeadLettered(SinkMetrics.Unreadable);
        SinkMetrics.Skipped("api");
        SinkMetrics.Acknowledged([ScoreChange.Of(new ScoreUpdate
        {
            MemberId = 1,
            Version = 1,
            ModelVersion = "dashboard-test",
            Source = new SourcePosition { Gtid = "0-1-1", TsMs = now - 1_000 },
            ComputedAtMs = now,
            Scores = [new MovieScore(1, 0.5, false)],
        })]);
        SinkMetrics.SnapshotCompleted();
    }

    /// <summary>The metric names of every panel's queries, as queried (a histogram by its _bucket, _sum or _count series).</summary>
    private static HashSet<string> QueriedMetrics() =>
        Targets().SelectMany(t => MetricNames(t.GetProperty("expr").GetString()!)).ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<string> MetricNames(string expr)
    {
        var bare = Literals().Replace(expr, " ");
        bare = Selectors().Replace(bare, " ");
        bare = Grouping().Replace(bare, " ");
        return Identifiers().Matches(bare).Select(m => m.Value).Where(name => !PromQlWords.Contains(name.ToLowerInvariant()));
    }

    private static string HistogramBase(string name) => HistogramSuffix().Replace(name, "");

    /// <summary>A sample line of the series: its name followed by labels or by the value.</summary>
    private static bool IsSeries(string metrics, string name) =>
        metrics.Split('\n').Any(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal));

    /// <summary>Every panel, those inside collapsed rows too.</summary>
    private static IEnumerable<JsonElement> Panels() =>
        Dashboard.GetProperty("panels").EnumerateArray().SelectMany(p =>
            p.TryGetProperty("panels", out var nested) ? nested.EnumerateArray().Prepend(p) : [p]);

    private static IEnumerable<JsonElement> Targets() =>
        Panels().Where(p => p.TryGetProperty("targets", out _)).SelectMany(p => p.GetProperty("targets").EnumerateArray());

    private static IEnumerable<JsonElement> DatasourceValues(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p =>
            p.Name == "datasource" ? [p.Value] : DatasourceValues(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(DatasourceValues),
        _ => [],
    };

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // String literals: label values and regexes.
    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex Literals();

    // Label matchers {...} and ranges [...] (where Grafana's $__rate_interval goes).
    [GeneratedRegex(@"\{[^}]*\}|\[[^\]]*\]")]
    private static partial Regex Selectors();

    // Label lists of aggregations and vector matching.
    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex Grouping();

    // A name not inside a number or a $variable, and not called as a function or aggregation.
    [GeneratedRegex(@"(?<![\w.$])[a-zA-Z_:][\w:]*\b(?!\s*\()")]
    private static partial Regex Identifiers();

    [GeneratedRegex("_(?:bucket|sum|count)$")]
    private static partial Regex HistogramSuffix();
}
