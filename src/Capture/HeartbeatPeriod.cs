namespace Insights.Capture;

/// <summary>
/// How often MariaDB must send something on the binlog connection (setting <see cref="Setting"/>, in seconds). The
/// capture asks for a heartbeat every period while the binlog is idle (MASTER_HEARTBEAT_PERIOD), and takes a read
/// that waits <see cref="MissedBeforeDead"/> periods without a byte as a dead connection (a half-open TCP connection
/// after a network cut or a failover never reports an error): it then reconnects and resumes from the last
/// transaction sent.
/// </summary>
public sealed record HeartbeatPeriod
{
    public const string Setting = "Capture:HeartbeatPeriodSeconds";

    /// <summary>Heartbeats missed in a row before the connection is declared dead.</summary>
    public const int MissedBeforeDead = 3;

    // MariaDB's MASTER_HEARTBEAT_PERIOD accepts up to 4294967 s; below 0.1 s the deadline would trip on scheduling noise.
    public const double MinimumSeconds = 0.1, MaximumSeconds = 4294967;

    public static HeartbeatPeriod Default { get; } = new(TimeSpan.FromSeconds(5));

    public TimeSpan Period { get; }

    /// <summary>The longest a read may wait for a byte before the connection is taken as dead.</summary>
    public TimeSpan ReadDeadline => Period * MissedBeforeDead;

    private HeartbeatPeriod(TimeSpan period) => Period = period;

    /// <exception cref="ArgumentOutOfRangeException">The period is outside 0.1 s to 4294967 s.</exception>
    public static HeartbeatPeriod FromSeconds(double seconds) =>
        seconds is >= MinimumSeconds and <= MaximumSeconds
            ? new HeartbeatPeriod(TimeSpan.FromSeconds(seconds))
            : throw new ArgumentOutOfRangeException(nameof(seconds), seconds, $"the heartbeat period must be {MinimumSeconds} to {MaximumSeconds} seconds");

    /// <summary>The period in nanoseconds, as @master_heartbeat_period takes it.</summary>
    public long Nanoseconds => Period.Ticks * 100;
}
