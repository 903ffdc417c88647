using Insights.Contracts.Topics;
using Insights.Fixtures;
using Insights.Processors.Manifest;
using Insights.Processors.Movies;
using Insights.Processors.Topology;
using Insights.TestSupport;
using Streamiz.Kafka.Net.Stream;

namespace Insights.Processors.Tests.Manifest;

/// <summary>The topic manifest: complete for the topology, configured for what each topic holds, and the committed stack/topics.json is current.</summary>
public sealed class ProcessorManifestTests
{
    private const string ApplicationId = "insights-processors";
    private static readonly TopicManifest Manifest = ProcessorManifest.For(ApplicationId, "cdc", 16);

    [Fact]
    public void Every_topic_the_topology_reads_writes_or_keeps_is_in_the_manifest()
    {
        // Either shape of source: tickets keyed by member (no member repartition topic) and keyed by ticket (with it).
        var keyedByMember = Used(new ProcessorOptions { Model = TestModel.Create(), Partitions = 16, TicketsKeyedByMember = true });
        var keyedByTicket = Used(new ProcessorOptions { Model = TestModel.Create(), Partitions = 16, TicketsKeyedByMember = false });
        var used = keyedByMember.Union(keyedByTicket).ToHashSet();

        Assert.DoesNotContain("insights-processors-member-events-repartition", keyedByMember);
        Assert.Contains("insights-processors-member-events-repartition", keyedByTicket);
        Assert.Contains("insights-processors-tickets-waiting-changelog", used);
        Assert.Contains("insights-processors-member-state-changelog", used);
        Assert.Contains("insights-processors-movie-collective-changelog", used);
        Assert.Contains("insights-processors-collective-deltas-repartition", used);
        Assert.Empty(used.Except(Manifest.Topics.Select(t => t.Name)));
        Assert.Empty(Manifest.Topics.Select(t => t.Name).Except(used));
    }

    private static HashSet<string> Used(ProcessorOptions options)
    {
        var description = ScoringTopology.Build(options, new SharedMovieState(options.Model.Settings, options.GenreNames, options.SessionRetention)).Describe();
        var nodes = description.SubTopologies.SelectMany(s => s.Nodes).ToList();
        // Streamiz names internal topics without the application id in a description; at run time they carry it.
        var sources = nodes.OfType<ISourceNodeDescription>().SelectMany(s => s.Topics)
            .Concat(description.GlobalStores.SelectMany(g => g.Source.Topics))
            .Select(t => t.EndsWith("-repartition", StringComparison.Ordinal) && !t.StartsWith(ApplicationId, StringComparison.Ordinal) ? $"{ApplicationId}-{t}" : t);
        var changelogs = nodes.OfType<IProcessorNodeDescription>().SelectMany(p => p.Stores).Distinct()
            .Select(store => ProcessorTopics.ChangelogTopic(ApplicationId, store));
        // Every output has its own sink node naming its topic.
        var sinks = nodes.OfType<ISinkNodeDescription>().Select(s => OutputTopic.TopicOf(s.Name, s.Topic) ?? $"(sink {s.Name} names no topic)")
            .Select(t => t.EndsWith("-repartition", StringComparison.Ordinal) && !t.StartsWith(ApplicationId, StringComparison.Ordinal) ? $"{ApplicationId}-{t}" : t);
        Assert.Superset(ScoringTopology.OutputTopics.ToHashSet(), sinks.ToHashSet());
        return sources.Concat(changelogs).Concat(sinks).ToHashSet();
    }

    [Fact]
    public void Tables_changelogs_and_scores_are_compacted()
    {
        foreach (var name in new[]
                 {
                     "cdc.cinema.members", "cdc.cinema.movies", "cdc.cinema.sessions", ProcessorTopics.Sessions, ProcessorTopics.Catalog,
                     "insights-processors-member-state-changelog", "insights-processors-tickets-waiting-changelog", TopicNames.Scores,
                     "insights-processors-movie-collective-changelog", ProcessorTopics.MovieProfiles,
                 })
            Assert.Equal("compact", Manifest[name].KafkaConfig()["cleanup.policy"]);
    }

    [Fact]
    public void No_internal_topic_is_a_log_kept_forever_and_replayed_at_start()
    {
        // Restore reads compacted changelogs and tables (sized by members and movies); repartition topics are purged as consumed.
        var internalLogs = Manifest.Topics.Where(t => t.Name.StartsWith("insights.", StringComparison.Ordinal) && t.Name != TopicNames.DeadLetter);
        Assert.All(internalLogs, t => Assert.Equal("compact", t.KafkaConfig()["cleanup.policy"]));
    }

    [Fact]
    public void Logs_that_are_replayed_from_their_start_are_kept_whole()
    {
        foreach (var name in new[] { "cdc.cinema.tickets", "insights-processors-member-events-repartition", "insights-processors-collective-deltas-repartition" })
        {
            var config = Manifest[name].KafkaConfig();
            Assert.Equal("delete", config["cleanup.policy"]);
            Assert.Equal("-1", config["retention.ms"]);
        }
    }

    [Fact]
    public void Dead_letters_are_kept_thirty_days()
    {
        var config = Manifest[TopicNames.DeadLetter].KafkaConfig();

        Assert.Equal("delete", config["cleanup.policy"]);
        Assert.Equal(TimeSpan.FromDays(30), TimeSpan.FromMilliseconds(long.Parse(config["retention.ms"])));
    }

    [Fact]
    public void The_committed_stack_manifest_is_the_generated_one()
    {
        var committed = TopicManifest.Load(Path.Combine(RepositoryPaths.Stack, "topics.json"));

        Assert.Equal(Manifest.Topics, committed.Topics);
    }
}
