using Insights.Contracts.Topics;

namespace Insights.Contracts.Tests.Topics;

public sealed class WatermarkReportTests
{
    [Fact]
    public void A_partition_that_no_longer_starts_at_0_lost_records()
    {
        var partition = new PartitionWatermark("tickets", 2, Low: 10, High: 50);

        Assert.True(partition.Trimmed);
        Assert.False(partition.Purged);
        Assert.Equal("topic tickets partition 2 low watermark 10: " + WatermarkReport.TrimExplanation, partition.TrimProblem);
    }

    [Fact]
    public void A_purged_partition_lost_nothing_while_its_start_is_at_or_below_the_groups_committed_offset()
    {
        Assert.False(new PartitionWatermark("app-events-repartition", 0, Low: 40, High: 50, Consumed: 40).Trimmed);
        Assert.True(new PartitionWatermark("app-events-repartition", 0, Low: 40, High: 50, Consumed: 40).Purged);
        Assert.False(new PartitionWatermark("app-events-repartition", 0, Low: 0, High: 50, Consumed: 40).Purged);
    }

    [Fact]
    public void A_purged_partition_whose_start_passed_the_groups_committed_offset_lost_records_it_names()
    {
        var partition = new PartitionWatermark("app-events-repartition", 1, Low: 41, High: 50, Consumed: 40);
        var report = new WatermarkReport(DateTimeOffset.UnixEpoch, [partition], [], []);

        Assert.False(report.Healthy);
        Assert.Equal("topic app-events-repartition partition 1 low watermark 41, above its group's committed offset 40: " + WatermarkReport.TrimExplanation,
            Assert.Single(report.Problems()));
    }
}
