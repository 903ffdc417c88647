using Insights.Capture.Position;
using Insights.Capture.Sinks;

namespace Insights.Capture.Tests;

/// <summary>A position becomes durable only when Kafka acknowledged its transaction and every one before it.</summary>
public sealed class CommitTrackerTests
{
    /// <summary>Holds acknowledgements until the test releases them, in any order.</summary>
    private sealed class HeldSink : IChangeEventSink
    {
        public List<Action<Exception?>> Pending { get; } = new();
        public void Send(CapturedEvent change, Action<Exception?> delivered) => Pending.Add(delivered);
        public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public void Dispose() { }
    }

    private static CapturedEvent Change(int i) => new("cdc.cinema.tickets", [(byte)i], [1]);
    private static CaptureCheckpoint At(string gtid) => new(gtid, "binlog.000001", 100, DateTimeOffset.UnixEpoch);

    // One transaction's events sent as they are decoded, then its commit.
    private static void Transaction(CommitTracker tracker, IChangeEventSink sink, string gtid, params int[] events)
    {
        foreach (var e in events) tracker.Send(Change(e), sink);
        tracker.Commit(At(gtid));
    }

    [Fact]
    public void A_transaction_is_durable_only_after_all_its_events_and_all_earlier_transactions_are_acknowledged()
    {
        var sink = new HeldSink();
        var tracker = new CommitTracker(At("0-1-1"));
        Transaction(tracker, sink, "0-1-2", 1, 2);
        Transaction(tracker, sink, "0-1-3", 3);

        sink.Pending[2](null); // the later transaction first
        Assert.Equal("0-1-1", tracker.Durable!.Gtid);
        sink.Pending[0](null);
        Assert.Equal("0-1-1", tracker.Durable!.Gtid);
        sink.Pending[1](null);
        Assert.Equal("0-1-3", tracker.Durable!.Gtid);
    }

    [Fact]
    public void A_transaction_without_captured_events_advances_once_earlier_ones_are_acknowledged()
    {
        var sink = new HeldSink();
        var tracker = new CommitTracker(null);
        Transaction(tracker, sink, "0-1-2", 1);
        Transaction(tracker, sink, "0-1-3");
        Assert.Null(tracker.Durable);
        sink.Pending[0](null);
        Assert.Equal("0-1-3", tracker.Durable!.Gtid);
    }

    [Fact]
    public void Events_acknowledged_before_their_commit_is_read_do_not_make_the_transaction_durable()
    {
        var sink = new HeldSink();
        var tracker = new CommitTracker(At("0-1-1"));
        tracker.Send(Change(1), sink);
        tracker.Send(Change(2), sink);
        sink.Pending[0](null);
        sink.Pending[1](null);
        Assert.Equal("0-1-1", tracker.Durable!.Gtid);
        tracker.Commit(At("0-1-2"));
        Assert.Equal("0-1-2", tracker.Durable!.Gtid);
    }

    [Fact]
    public void A_transaction_cut_off_by_a_lost_connection_never_becomes_durable_and_does_not_hold_back_the_next()
    {
        var sink = new HeldSink();
        var tracker = new CommitTracker(At("0-1-1"));
        tracker.Send(Change(1), sink);
        tracker.AbandonOpen();
        // After reconnecting the same transaction is read again from its start.
        Transaction(tracker, sink, "0-1-2", 1, 2);
        sink.Pending[1](null);
        sink.Pending[2](null);
        Assert.Equal("0-1-1", tracker.Durable!.Gtid);
        sink.Pending[0](null);
        Assert.Equal("0-1-2", tracker.Durable!.Gtid);
    }

    [Fact]
    public void A_failed_delivery_stops_the_position_and_is_raised_to_the_reader()
    {
        var sink = new HeldSink();
        var tracker = new CommitTracker(At("0-1-1"));
        Transaction(tracker, sink, "0-1-2", 1);
        sink.Pending[0](new InvalidOperationException("broker down"));
        Assert.Equal("0-1-1", tracker.Durable!.Gtid);
        var error = Assert.Throws<CaptureException>(tracker.ThrowIfFailed);
        Assert.Contains("broker down", error.Message);
    }

    [Fact]
    public void The_checkpoint_file_is_replaced_atomically_and_read_back()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("insights-checkpoint-").FullName, "checkpoint.json");
        At("0-1-5").Save(path);
        At("0-1-6").Save(path);
        Assert.Equal("0-1-6", CaptureCheckpoint.Load(path)!.Gtid);
        Assert.False(File.Exists(path + ".tmp"));
        File.WriteAllText(path, "{broken");
        var error = Assert.Throws<CaptureException>(() => CaptureCheckpoint.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("--snapshot", error.Message);
    }

    [Theory]
    [InlineData("0-1-5", "0-1-5")]
    [InlineData("1-2-9,0-1-5", "0-1-5,1-2-9")]
    [InlineData("", "")]
    public void Gtid_positions_round_trip_ordered_by_domain(string text, string expected) =>
        Assert.Equal(expected, GtidState.Parse(text).ToString());

    [Fact]
    public void A_malformed_gtid_is_named() =>
        Assert.Contains("'0-1'", Assert.Throws<FormatException>(() => GtidState.Parse("0-1")).Message);
}
