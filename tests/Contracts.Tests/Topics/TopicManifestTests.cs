using Insights.Contracts.Topics;

namespace Insights.Contracts.Tests.Topics;

public sealed class TopicManifestTests
{
    [Fact]
    public void Kafka_config_holds_the_cleanup_policy_and_the_topics_own_configs()
    {
        var spec = new TopicSpec("updates", 4, CleanupPolicy.Delete, new Dictionary<string, string> { ["retention.ms"] = "-1" });

        Assert.Equal(new Dictionary<string, string> { ["cleanup.policy"] = "delete", ["retention.ms"] = "-1" }, spec.KafkaConfig());
        Assert.Equal("compact", new TopicSpec("scores", 4, CleanupPolicy.Compact).KafkaConfig()["cleanup.policy"]);
    }

    [Fact]
    public void A_cleanup_policy_inside_config_is_refused_naming_the_topic_and_key()
    {
        var spec = new TopicSpec("scores", 4, CleanupPolicy.Compact, new Dictionary<string, string> { ["cleanup.policy"] = "delete" });

        var error = Assert.Throws<InvalidDataException>(() => spec.KafkaConfig());
        Assert.Contains("'scores'", error.Message);
        Assert.Contains("cleanup.policy", error.Message);
    }

    [Fact]
    public void A_config_without_a_value_is_refused_naming_the_key()
    {
        var spec = new TopicSpec("dlq", 1, CleanupPolicy.Delete, new Dictionary<string, string> { ["retention.ms"] = " " });

        Assert.Contains("'retention.ms' has no value", Assert.Throws<InvalidDataException>(() => spec.KafkaConfig()).Message);
    }

    [Fact]
    public void Configs_survive_saving_and_loading()
    {
        var path = Path.Combine(Path.GetTempPath(), $"topics-{Guid.NewGuid():N}.json");
        var manifest = new TopicManifest(
        [
            new TopicSpec("plain", 2),
            new TopicSpec("kept", 3, CleanupPolicy.Delete, new Dictionary<string, string> { ["retention.ms"] = "-1" }),
            new TopicSpec("app-events-repartition", 3, PurgedBy: "app"),
        ]);
        try
        {
            manifest.Save(path);
            var loaded = TopicManifest.Load(path);

            Assert.Equal(manifest.Topics, loaded.Topics);
            Assert.Equal("-1", loaded["kept"].KafkaConfig()["retention.ms"]);
            Assert.Null(loaded["plain"].Config);
            Assert.Equal("app", loaded["app-events-repartition"].PurgedBy);
            Assert.DoesNotContain("\"config\":null", File.ReadAllText(path));
            Assert.DoesNotContain("\"purged_by\":null", File.ReadAllText(path));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Loading_a_manifest_with_a_bad_config_names_the_file_and_topic()
    {
        var path = Path.Combine(Path.GetTempPath(), $"topics-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"topics":[{"name":"scores","partitions":4,"cleanup":"Compact","config":{"cleanup.policy":"delete"}}]}""");
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => TopicManifest.Load(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("'scores'", error.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Looking_up_a_missing_topic_names_it()
    {
        var manifest = new TopicManifest([new TopicSpec("present", 1)]);

        Assert.Contains("'absent'", Assert.Throws<KeyNotFoundException>(() => manifest["absent"]).Message);
    }

    [Fact]
    public void The_purging_group_is_not_a_kafka_config_but_tells_specs_apart()
    {
        var purged = new TopicSpec("app-events-repartition", 3, PurgedBy: "app");

        Assert.Equal(["cleanup.policy"], purged.KafkaConfig().Keys);
        Assert.NotEqual(new TopicSpec("app-events-repartition", 3), purged);
    }
}
