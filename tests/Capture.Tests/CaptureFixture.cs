using Insights.Fixtures.MariaDb;
using Insights.TestSupport;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace Insights.Capture.Tests;

/// <summary>
/// A MariaDB with a few rows already present (so the snapshot has work), and the capture running against
/// it into a <see cref="RecordingSink"/> with the default settings: golden tests then change rows and read the events.
/// Derived fixtures add tables and rows before the snapshot, server settings, or capture settings.
/// </summary>
public class CaptureFixture : IAsyncLifetime
{
    private const string CinemaRows = """
        INSERT INTO movies (movie_id, title, genres, release_date, certificate, runtime_minutes, status, updated_at)
          VALUES (1, 'Toy Story (1995)', 'animation,children,comedy', '1995-01-01', 'U', 81, 'now_showing', '2024-01-02 03:04:05');
        INSERT INTO sessions (session_id, movie_id, cinema_id, starts_at, format) VALUES (10, 1, 3, '2024-01-05 19:30:00', 'imax');
        INSERT INTO members (member_id, name, email, postcode, birth_year, gender, occupation, joined_at, updated_at)
          VALUES (100, 'Test Member', 'member100@example.invalid', 'AB1 2CD', 1980, 'F', 'writer', '2023-06-01 10:00:00', '2024-01-02 03:04:05.5');
        """;

    // Null: the capture's default.
    private readonly MessageKeyColumns? messageKeys;
    private readonly string setup;

    public CaptureFixture() : this(null) { }

    /// <param name="messageKeys">Capture:MessageKeyColumns; null keeps the default.</param>
    /// <param name="serverSettings">MariaDB settings beyond the CDC ones (name=value).</param>
    /// <param name="setup">Statements run before the snapshot, after the cinema rows (tables the test captures, their first rows).</param>
    protected CaptureFixture(MessageKeyColumns? messageKeys, IReadOnlyList<string>? serverSettings = null, string setup = "")
    {
        this.messageKeys = messageKeys;
        this.setup = setup;
        Server = new MariaDbServer { Settings = serverSettings ?? [] };
    }

    public MariaDbServer Server { get; }
    public RecordingSink Sink { get; } = new();
    /// <summary>What the capture printed, line by line with the time of each line.</summary>
    public CaptureLog Log { get; } = new();
    public string CheckpointPath { get; } = Path.Combine(Directory.CreateTempSubdirectory("insights-capture-").FullName, "checkpoint.json");
    private readonly CancellationTokenSource stop = new();
    private Task? capture;

    public async ValueTask InitializeAsync()
    {
        await Server.InitializeAsync();
        await ExecuteAsync(CinemaRows + setup);
        var options = new CaptureOptions { ConnectionString = Server.CaptureConnectionString, CheckpointPath = CheckpointPath, ServerId = 9101 };
        if (messageKeys is not null) options = options with { MessageKeyColumns = messageKeys };
        options = Configure(options);
        capture = Task.Run(() => new CaptureRunner(options, Sink, Log).RunAsync(stop.Token));
        // Tests change rows only after the snapshot, or their changes would be read as op "r" instead of streamed.
        await Poll.UntilAsync(() =>
            {
                ThrowIfCaptureFailed();
                return File.Exists(CheckpointPath);
            },
            () => "the capture to finish its snapshot", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken, TimeSpan.FromMilliseconds(20));
    }

    /// <summary>The capture's options, from the defaults this fixture set (server, checkpoint, server id, keys).</summary>
    protected virtual CaptureOptions Configure(CaptureOptions options) => options;

    /// <summary>Runs statements as the application user, in UTC so TIMESTAMP literals mean what they say.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SET time_zone = '+00:00'; " + sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Fails the test with the capture's own error if it stopped.</summary>
    public void ThrowIfCaptureFailed()
    {
        if (capture is { IsFaulted: true }) throw new Xunit.Sdk.XunitException($"capture stopped: {capture.Exception!.InnerException}");
    }

    public virtual async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (capture is not null) try { await capture; } catch (Exception) { }
        await Server.DisposeAsync();
        try { Directory.Delete(Path.GetDirectoryName(CheckpointPath)!, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The same capture with <see cref="MessageKeyColumns.Setting"/> empty: every table keyed by its primary key.</summary>
public sealed class PrimaryKeyCaptureFixture() : CaptureFixture(MessageKeyColumns.None);

/// <summary>A thread-safe logger that keeps each entry, as one line, with the time it was logged.</summary>
public sealed class CaptureLog : ILogger
{
    private readonly List<(DateTime At, string Line)> lines = [];

    public IReadOnlyList<(DateTime At, string Line)> Lines { get { lock (lines) return lines.ToList(); } }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        lock (lines) lines.Add((DateTime.UtcNow, formatter(state, exception)));
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public override string ToString() => string.Join('\n', Lines.Select(l => $"{l.At:HH:mm:ss.fff} {l.Line}"));
}
