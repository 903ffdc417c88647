using Insights.Contracts.Cinema;
using Insights.Contracts.Debezium;

namespace Insights.Capture.Tests;

/// <summary>Events follow the schema of their moment: each row event is decoded with the table map written beside it.</summary>
public sealed class SchemaChangeTests(CaptureFixture capture) : IClassFixture<CaptureFixture>
{
    [Fact]
    public async Task A_column_added_while_streaming_appears_in_later_events_in_table_order()
    {
        await capture.ExecuteAsync("""
            INSERT INTO sessions (session_id, movie_id, cinema_id, starts_at, format) VALUES (30, 1, 2, '2024-03-01 18:00:00', '2d');
            ALTER TABLE sessions ADD COLUMN screen VARCHAR(8) NULL AFTER cinema_id;
            INSERT INTO sessions (session_id, movie_id, cinema_id, screen, starts_at, format) VALUES (31, 1, 2, 'S1', '2024-03-01 18:00:00', '3d');
            """);
        var before = await capture.Sink.WaitForAsync(CinemaTables.Topic("sessions"), """{"session_id":30}""", 1);
        var after = await capture.Sink.WaitForAsync(CinemaTables.Topic("sessions"), """{"session_id":31}""", 1);
        capture.ThrowIfCaptureFailed();
        Assert.Equal(["session_id", "movie_id", "cinema_id", "starts_at", "format"], Columns(before[0].Value!));
        Assert.Equal(["session_id", "movie_id", "cinema_id", "screen", "starts_at", "format"], Columns(after[0].Value!));
        Assert.Equal("S1", ChangeEnvelope.Parse(after[0].Value!)!.After!.Value.GetProperty("screen").GetString());
    }

    private static List<string> Columns(byte[] value) =>
        ChangeEnvelope.Parse(value)!.After!.Value.EnumerateObject().Select(p => p.Name).ToList();
}
