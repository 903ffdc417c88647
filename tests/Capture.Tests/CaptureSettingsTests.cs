using Insights.Contracts.Configuration;
using Microsoft.Extensions.Configuration;

namespace Insights.Capture.Tests;

/// <summary>The capture's settings, bound from configuration as `insights capture` binds them; a bad value is named by its key.</summary>
public sealed class CaptureSettingsTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["MariaDb:CaptureConnectionString"] = "Server=127.0.0.1;Port=3306;User ID=insights_capture;Password=x",
        ["Capture:CheckpointPath"] = "/tmp/checkpoint.json",
        ["Capture:TopicPrefix"] = "cdc",
    };

    private static (CaptureSettings Capture, MariaDbSettings MariaDb) With(string key, string? value)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(Valid) { [key] = value }).Build();
        return (config.GetSection(CaptureSettings.Section).Get<CaptureSettings>() ?? new CaptureSettings(),
            config.GetSection(MariaDbSettings.Section).Get<MariaDbSettings>() ?? new MariaDbSettings());
    }

    private static CaptureOptions Options(string key, string? value, bool forceSnapshot = false)
    {
        var (capture, mariaDb) = With(key, value);
        return capture.ToOptions(mariaDb, forceSnapshot);
    }

    [Fact]
    public void Valid_settings_become_capture_options()
    {
        var options = Options("Capture:ServerId", "4242", forceSnapshot: true);
        Assert.Equal("Server=127.0.0.1;Port=3306;User ID=insights_capture;Password=x", options.ConnectionString);
        Assert.Equal("/tmp/checkpoint.json", options.CheckpointPath);
        Assert.Equal("cdc", options.TopicPrefix);
        Assert.Equal(4242u, options.ServerId);
        Assert.True(options.ForceSnapshot);
    }

    [Fact]
    public void Unset_settings_take_the_declared_defaults()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MariaDb:CaptureConnectionString"] = Valid["MariaDb:CaptureConnectionString"],
        }).Build();
        var options = new CaptureSettings().ToOptions(config.GetSection(MariaDbSettings.Section).Get<MariaDbSettings>()!, forceSnapshot: false);
        Assert.Equal(Path.Combine(".insights", "capture-checkpoint.json"), options.CheckpointPath);
        Assert.Equal("cdc", options.TopicPrefix);
        Assert.Equal(184101u, options.ServerId);
        Assert.Equal(Contracts.Debezium.DecimalHandling.Precise, options.Decimals);
    }

    [Fact]
    public void Ticket_events_are_keyed_by_member_unless_the_setting_says_otherwise()
    {
        Assert.Equal("cinema.tickets:member_id", Options("Capture:TopicPrefix", "cdc").MessageKeyColumns.ToString());
        Assert.Empty(Options("Capture:MessageKeyColumns", "").MessageKeyColumns.Entries);
    }

    [Fact]
    public void The_heartbeat_period_defaults_to_5_seconds_and_its_read_deadline_is_three_periods()
    {
        var unset = Options("Capture:TopicPrefix", "cdc");
        Assert.Equal(TimeSpan.FromSeconds(5), unset.Heartbeat.Period);
        Assert.Equal(TimeSpan.FromSeconds(15), unset.Heartbeat.ReadDeadline);
        var set = Options("Capture:HeartbeatPeriodSeconds", "0.5");
        Assert.Equal(TimeSpan.FromMilliseconds(500), set.Heartbeat.Period);
        Assert.Equal(500_000_000, set.Heartbeat.Nanoseconds);
    }

    [Fact]
    public void Message_key_columns_keep_the_order_given_per_table()
    {
        var options = Options("Capture:MessageKeyColumns", " cinema.tickets:session_id,member_id ; cinema.sessions:movie_id;");
        Assert.Equal(["cinema.tickets:session_id,member_id", "cinema.sessions:movie_id"], options.MessageKeyColumns.Entries.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("MariaDb:CaptureConnectionString", null)]
    [InlineData("MariaDb:CaptureConnectionString", "Server=/run/mysqld.sock;Protocol=Unix;User ID=x")]
    [InlineData("MariaDb:CaptureConnectionString", "Nonsense=1")]
    [InlineData("Capture:CheckpointPath", "")]
    [InlineData("Capture:TopicPrefix", "cdc prefix")]
    [InlineData("Capture:ServerId", "0")]
    [InlineData("Capture:DecimalHandlingMode", "exact")]
    [InlineData("Capture:HeartbeatPeriodSeconds", "0")]
    [InlineData("Capture:HeartbeatPeriodSeconds", "-5")]
    [InlineData("Capture:HeartbeatPeriodSeconds", "5000000")]
    [InlineData("Capture:MessageKeyColumns", "cinema.tickets")]
    [InlineData("Capture:MessageKeyColumns", "tickets:member_id")]
    [InlineData("Capture:MessageKeyColumns", "cinema.tickets:member_id,,session_id")]
    [InlineData("Capture:MessageKeyColumns", "cinema.tickets: member_id")]
    [InlineData("Capture:MessageKeyColumns", "cinema.tickets:member_id,member_id")]
    [InlineData("Capture:MessageKeyColumns", "cinema.tickets:member_id;cinema.tickets:session_id")]
    public void A_bad_value_is_the_one_problem_and_names_its_key(string key, string? value)
    {
        var (capture, mariaDb) = With(key, value);
        var problem = Assert.Single(capture.Problems(mariaDb));
        Assert.Contains(key, problem);
        var error = Assert.Throws<ArgumentException>(() => capture.ToOptions(mariaDb, forceSnapshot: false));
        Assert.Equal(problem, error.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_refused_by_the_binding_naming_its_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => With("Capture:HeartbeatPeriodSeconds", "five"));
        Assert.Contains("Capture:HeartbeatPeriodSeconds", error.Message);
    }
}
