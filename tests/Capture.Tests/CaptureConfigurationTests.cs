using Insights.Host;
using Insights.Host.Commands;
using Microsoft.Extensions.Configuration;

namespace Insights.Capture.Tests;

/// <summary>`insights capture` reads its settings from configuration; a bad value fails start-up naming the key.</summary>
public sealed class CaptureConfigurationTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["MariaDb:CaptureConnectionString"] = "Server=127.0.0.1;Port=3306;User ID=insights_capture;Password=x",
        ["Kafka:BootstrapServers"] = "127.0.0.1:9092",
        ["Capture:CheckpointPath"] = "/tmp/checkpoint.json",
        ["Capture:TopicPrefix"] = "cdc",
    };

    private static IConfiguration With(string key, string? value)
    {
        var settings = new Dictionary<string, string?>(Valid) { [key] = value };
        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    [Fact]
    public void Valid_settings_become_capture_options()
    {
        var (options, kafka) = CaptureCommand.ReadOptions(With("Capture:ServerId", "4242"), forceSnapshot: true);
        Assert.Equal("127.0.0.1:9092", kafka.BootstrapServers);
        Assert.Equal("/tmp/checkpoint.json", options.CheckpointPath);
        Assert.Equal("cdc", options.TopicPrefix);
        Assert.Equal(4242u, options.ServerId);
        Assert.True(options.ForceSnapshot);
    }

    [Fact]
    public void Ticket_events_are_keyed_by_member_unless_the_setting_says_otherwise()
    {
        var (unset, _) = CaptureCommand.ReadOptions(With("Capture:TopicPrefix", "cdc"), forceSnapshot: false);
        Assert.Equal("cinema.tickets:member_id", unset.MessageKeyColumns.ToString());
        var (empty, _) = CaptureCommand.ReadOptions(With("Capture:MessageKeyColumns", ""), forceSnapshot: false);
        Assert.Empty(empty.MessageKeyColumns.Entries);
    }

    [Fact]
    public void The_heartbeat_period_defaults_to_5_seconds_and_its_read_deadline_is_three_periods()
    {
        var (unset, _) = CaptureCommand.ReadOptions(With("Capture:TopicPrefix", "cdc"), forceSnapshot: false);
        Assert.Equal(TimeSpan.FromSeconds(5), unset.Heartbeat.Period);
        Assert.Equal(TimeSpan.FromSeconds(15), unset.Heartbeat.ReadDeadline);
        var (set, _) = CaptureCommand.ReadOptions(With("Capture:HeartbeatPeriodSeconds", "0.5"), forceSnapshot: false);
        Assert.Equal(TimeSpan.FromMilliseconds(500), set.Heartbeat.Period);
        Assert.Equal(500_000_000, set.Heartbeat.Nanoseconds);
    }

    [Fact]
    public void Message_key_columns_keep_the_order_given_per_table()
    {
        var (options, _) = CaptureCommand.ReadOptions(With("Capture:MessageKeyColumns", " cinema.tickets:session_id,member_id ; cinema.sessions:movie_id;"), forceSnapshot: false);
        Assert.Equal(["cinema.tickets:session_id,member_id", "cinema.sessions:movie_id"], options.MessageKeyColumns.Entries.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("MariaDb:CaptureConnectionString", null)]
    [InlineData("MariaDb:CaptureConnectionString", "Server=/run/mysqld.sock;Protocol=Unix;User ID=x")]
    [InlineData("MariaDb:CaptureConnectionString", "Nonsense=1")]
    [InlineData("Kafka:BootstrapServers", "localhost")]
    [InlineData("Kafka:BootstrapServers", null)]
    [InlineData("Capture:TopicPrefix", "cdc prefix")]
    [InlineData("Capture:ServerId", "0")]
    [InlineData("Capture:DecimalHandlingMode", "exact")]
    [InlineData("Capture:HeartbeatPeriodSeconds", "0")]
    [InlineData("Capture:HeartbeatPeriodSeconds", "-5")]
    [InlineData("Capture:HeartbeatPeriodSeconds", "five")]
    [InlineData("Capture:HeartbeatPeriodSeconds", "5000000")]
    [InlineData("Capture:MessageKeyColumns", "cinema.tickets")]
    [InlineData("Capture:MessageKeyColumns", "tickets:member_id")]
    [InlineData("Capture:MessageKeyColumns", "cinema.tickets:member_id,,session_id")]
    [InlineData("Capture:MessageKeyColumns", "cinema.tickets: member_id")]
    [InlineData("Capture:MessageKeyColumns", "cinema.tickets:member_id,member_id")]
    [InlineData("Capture:MessageKeyColumns", "cinema.tickets:member_id;cinema.tickets:session_id")]
    public void A_bad_value_names_its_key(string key, string? value)
    {
        var error = Assert.Throws<CommandLineError>(() => CaptureCommand.ReadOptions(With(key, value), forceSnapshot: false));
        Assert.Contains(key, error.Message);
    }
}
