using Insights.Fixtures.MariaDb;
using MySqlConnector;

namespace Insights.Capture.Tests;

/// <summary>
/// A MariaDB with a few rows already present (so the snapshot has work), and the capture running against
/// it into a <see cref="RecordingSink"/> with the default settings: golden tests then change rows and read the events.
/// </summary>
public class CaptureFixture : IAsyncLifetime
{
    // Null: the capture's default.
    private readonly MessageKeyColumns? _messageKeys;

    public CaptureFixture() { }

    protected CaptureFixture(MessageKeyColumns messageKeys) => _messageKeys = messageKeys;

    public MariaDbServer Server { get; } = new();
    public RecordingSink Sink { get; } = new();
    public string CheckpointPath { get; } = Path.Combine(Directory.CreateTempSubdirectory("insights-capture-").FullName, "checkpoint.json");
    private readonly CancellationTokenSource _stop = new();
    private Task? _capture;

    public async ValueTask InitializeAsync()
    {
        await Server.InitializeAsync();
        await ExecuteAsync("""
            INSERT INTO movies (movie_id, title, genres, release_date, certificate, runtime_minutes, status, updated_at)
              VALUES (1, 'Toy Story (1995)', 'animation,children,comedy', '1995-01-01', 'U', 81, 'now_showing', '2024-01-02 03:04:05');
            INSERT INTO sessions (session_id, movie_id, cinema_id, starts_at, format) VALUES (10, 1, 3, '2024-01-05 19:30:00', 'imax');
            INSERT INTO members (member_id, name, email, postcode, birth_year, gender, occupation, joined_at, updated_at)
              VALUES (100, 'Test Member', 'member100@example.invalid', 'AB1 2CD', 1980, 'F', 'writer', '2023-06-01 10:00:00', '2024-01-02 03:04:05.5');
            """);
        var options = new CaptureOptions { ConnectionString = Server.CaptureConnectionString, CheckpointPath = CheckpointPath, ServerId = 9101 };
        if (_messageKeys is not null) options = options with { MessageKeyColumns = _messageKeys };
        _capture = Task.Run(() => new CaptureRunner(options, Sink, TextWriter.Null).RunAsync(_stop.Token));
        // Tests change rows only after the snapshot, or their changes would be read as op "r" instead of streamed.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(CheckpointPath))
        {
            ThrowIfCaptureFailed();
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the capture did not finish its snapshot within 30 s");
            await Task.Delay(20);
        }
    }

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
        if (_capture is { IsFaulted: true }) throw new Xunit.Sdk.XunitException($"capture stopped: {_capture.Exception!.InnerException}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_capture is not null) try { await _capture; } catch (Exception) { }
        await Server.DisposeAsync();
        try { Directory.Delete(Path.GetDirectoryName(CheckpointPath)!, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The same capture with <see cref="MessageKeyColumns.Setting"/> empty: every table keyed by its primary key.</summary>
public sealed class PrimaryKeyCaptureFixture() : CaptureFixture(MessageKeyColumns.None);
