using System.Text;
using Insights.DevTool.Bench;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Mock;
using Streamiz.Kafka.Net.SerDes;

namespace Insights.DevTool.Tests.Bench;

/// <summary>The count baseline says how many tickets it counted: the broker bench ends the baseline's drain on that line.</summary>
public sealed class TicketCountBaselineTests
{
    [Fact]
    public void The_counted_line_gives_its_count_wherever_it_sits_in_the_output_line() =>
        Assert.Equal(120_000, TicketCountBaseline.CountedIn($"[stdout] {TicketCountBaseline.CountedLine}120000 tickets"));

    [Theory]
    [InlineData("info: Streamiz stream thread RUNNING")]
    [InlineData("ticket-count: counted  tickets")]
    [InlineData("ticket-count: counted -5 tickets")]
    [InlineData("ticket-count: counted 1,000 tickets")]
    public void Any_other_line_gives_no_count(string line) => Assert.Null(TicketCountBaseline.CountedIn(line));

    [Fact]
    public void The_topology_reports_every_ticket_it_reads_once()
    {
        var counted = 0;
        var config = new StreamConfig<ByteArraySerDes, ByteArraySerDes> { ApplicationId = "ticket-count-test" };
        using var driver = new TopologyTestDriver(TicketCountBaseline.Build("tickets", () => counted++), config);
        var tickets = driver.CreateInputTopic<byte[], byte[]>("tickets");
        foreach (var member in new[] { "1", "2", "1" }) tickets.PipeInput(Encoding.UTF8.GetBytes(member), [1]);
        Assert.Equal(3, counted);
    }
}
