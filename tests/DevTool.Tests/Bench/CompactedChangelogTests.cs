using System.Text;
using Confluent.Kafka;
using Insights.DevTool.Bench;

namespace Insights.DevTool.Tests.Bench;

public sealed class CompactedChangelogTests
{
    [Fact]
    public void Compaction_keeps_the_newest_record_of_each_key_in_offset_order()
    {
        var partition = new[] { Record("a", "1"), Record("b", "1"), Record("a", "2"), Record("c", "1"), Record("b", "2"), Record("a", "3") };

        var kept = CompactedChangelog.Compact(partition);

        Assert.Equal(["c=1", "b=2", "a=3"], kept.Select(Text));
    }

    [Fact]
    public void A_tombstone_is_kept_as_the_newest_record_of_its_key()
    {
        var partition = new[] { Record("a", "1"), Record("b", "1"), Record("a", null) };

        var kept = CompactedChangelog.Compact(partition);

        Assert.Equal(["b=1", "a=(tombstone)"], kept.Select(Text));
    }

    [Fact]
    public void A_record_without_a_key_is_refused()
    {
        var partition = new[] { new Message<byte[], byte[]> { Key = null!, Value = [1] } };

        Assert.Throws<InvalidOperationException>(() => CompactedChangelog.Compact(partition));
    }

    private static Message<byte[], byte[]> Record(string key, string? value) =>
        new() { Key = Encoding.UTF8.GetBytes(key), Value = value is null ? null! : Encoding.UTF8.GetBytes(value) };

    private static string Text(Message<byte[], byte[]> m) =>
        $"{Encoding.UTF8.GetString(m.Key)}={(m.Value is null ? "(tombstone)" : Encoding.UTF8.GetString(m.Value))}";
}
