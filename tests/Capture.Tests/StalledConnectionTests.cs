using Insights.Contracts.Cinema;
using Insights.TestSupport;
using MySqlConnector;
using static Insights.Capture.Tests.GoldenEventTests;

namespace Insights.Capture.Tests;

/// <summary>The capture reaching MariaDB through a <see cref="StallingProxy"/>, with a heartbeat every second.</summary>
public sealed class StalledConnectionCaptureFixture : CaptureFixture
{
    public static readonly HeartbeatPeriod Heartbeat = HeartbeatPeriod.FromSeconds(1);

    public StallingProxy Proxy { get; private set; } = null!;

    protected override CaptureOptions Configure(CaptureOptions options)
    {
        var direct = new MySqlConnectionStringBuilder(Server.CaptureConnectionString);
        Proxy = StallingProxy.Start(direct.Server, (int)direct.Port);
        var viaProxy = new MySqlConnectionStringBuilder(direct.ConnectionString) { Server = "127.0.0.1", Port = (uint)Proxy.Port };
        return options with { ConnectionString = viaProxy.ConnectionString, Heartbeat = Heartbeat };
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Proxy.DisposeAsync();
    }
}

/// <summary>
/// A binlog connection that goes silent without an error (a network cut, a frozen server) is noticed by the read
/// deadline, three heartbeat periods, and the capture reconnects and resumes from the last transaction it sent.
/// </summary>
[Collection(OneServerAtATime.Name)]
public sealed class StalledConnectionTests(StalledConnectionCaptureFixture capture) : IClassFixture<StalledConnectionCaptureFixture>
{
    private const int Sessions = 50;

    [Fact]
    public async Task A_silent_connection_is_dropped_within_three_heartbeats_and_the_capture_resumes_without_losing_a_row()
    {
        var heartbeat = StalledConnectionCaptureFixture.Heartbeat.Period;
        await capture.ExecuteAsync("INSERT INTO sessions (session_id, movie_id, cinema_id, starts_at, format) VALUES (500, 1, 1, '2024-03-01 18:00:00', '2d')");
        await EventsAsync(capture, "sessions", """{"session_id":500}""", 1);

        capture.Proxy.Stall();
        var stalledAt = DateTime.UtcNow;
        for (var id = 501; id <= 500 + Sessions; id++)
            await capture.ExecuteAsync($"INSERT INTO sessions (session_id, movie_id, cinema_id, starts_at, format) VALUES ({id}, 1, 1, '2024-03-01 18:00:00', '2d')");

        var detectedAt = await WhenLoggedAsync("sent nothing", after: stalledAt, within: TimeSpan.FromSeconds(15));
        TestContext.Current.TestOutputHelper?.WriteLine($"silence noticed {(detectedAt - stalledAt).TotalSeconds:0.00} s after the stall (heartbeat {heartbeat.TotalSeconds} s)");
        // Three periods since the last byte, which came at most one period before the stall; plus scheduling slack.
        Assert.True(detectedAt - stalledAt <= heartbeat * HeartbeatPeriod.MissedBeforeDead + TimeSpan.FromSeconds(1.5),
            $"the silence was noticed {(detectedAt - stalledAt).TotalSeconds:0.00} s after the stall\n{capture.Log}");

        // Reconnecting through the stalled network fails too; then the network comes back.
        await Task.Delay(heartbeat * 2, TestContext.Current.CancellationToken);
        capture.Proxy.Resume();

        var received = new HashSet<int>();
        for (var id = 501; id <= 500 + Sessions; id++)
        {
            var events = await capture.Sink.WaitForAsync(CinemaTables.Topic("sessions"), $$"""{"session_id":{{id}}}""", 1, TimeSpan.FromSeconds(60));
            EventAssert.Matches(Event("c", null, $$"""{"session_id":{{id}},"movie_id":1,"cinema_id":1,"starts_at":1709316000000,"format":"2d"}""",
                Streamed("sessions")), events[0].Value);
            received.Add(id);
        }
        capture.ThrowIfCaptureFailed();
        Assert.Equal(await CountAsync($"SELECT COUNT(*) FROM sessions WHERE session_id BETWEEN 501 AND {500 + Sessions}"), received.Count);
        Assert.Contains(capture.Log.Lines, l => l.At > detectedAt && l.Line.Contains("reconnecting", StringComparison.Ordinal));
        TestContext.Current.TestOutputHelper?.WriteLine(capture.Log.ToString());
    }

    private async Task<DateTime> WhenLoggedAsync(string text, DateTime after, TimeSpan within)
    {
        (DateTime At, string? Line) logged = default;
        await Poll.UntilAsync(() =>
            {
                capture.ThrowIfCaptureFailed();
                logged = capture.Log.Lines.FirstOrDefault(l => l.At >= after && l.Line.Contains(text, StringComparison.Ordinal));
                return logged.Line is not null;
            },
            () => $"the capture to log '{text}' after the stall:\n{capture.Log}", within, TestContext.Current.CancellationToken, TimeSpan.FromMilliseconds(20));
        return logged.At;
    }

    private async Task<int> CountAsync(string sql)
    {
        await using var connection = new MySqlConnection(capture.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }
}
