using Insights.Capture.Position;
using Insights.Capture.Schema;
using Insights.Capture.Sinks;
using Insights.Capture.Snapshot;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using Polly;
using Polly.Retry;

namespace Insights.Capture;

/// <summary>
/// One capture run: start-up checks, the snapshot when there is no checkpoint (or --snapshot), then
/// streaming from the checkpoint's GTID, reconnecting while MariaDB restarts, with the checkpoint written
/// as Kafka acknowledges whole transactions.
/// </summary>
public sealed class CaptureRunner(CaptureOptions options, IChangeEventSink sink, ILogger log)
{
    public long RowEvents { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        bool checksummed;
        await using (var connection = new MySqlConnection(options.ConnectionString))
        {
            try { await connection.OpenAsync(ct); }
            catch (MySqlException e) { throw new CaptureException($"cannot connect to MariaDB with the capture connection string: {e.Message}", e); }
            await StartupChecks.EnsureAsync(connection, ct);
            await StartupChecks.EnsureMessageKeyColumnsAsync(connection, options, ct);
            await using var command = new MySqlCommand("SELECT @@global.binlog_checksum", connection);
            checksummed = !string.Equals(await command.ExecuteScalarAsync(ct) as string, "NONE", StringComparison.OrdinalIgnoreCase);
        }

        var factory = new ChangeEventFactory(options.TopicPrefix, new DebeziumColumnEncoder(options.Decimals), TimeProvider.System, options.MessageKeyColumns);
        var checkpoint = options.ForceSnapshot ? null : CaptureCheckpoint.Load(options.CheckpointPath);
        if (checkpoint is null)
        {
            var (position, rows) = await new ConsistentSnapshot(options, factory, sink).RunAsync(ct);
            position.Save(options.CheckpointPath);
            checkpoint = position;
            log.LogInformation("capture: snapshot of {Rows} rows done at {File}:{Position}, GTID '{Gtid}'", rows, position.File, position.Pos, position.Gtid);
        }
        else log.LogInformation("capture: resuming from checkpoint GTID '{Gtid}'", checkpoint.Gtid);

        var tracker = new CommitTracker(checkpoint);
        var writer = new CheckpointWriter(tracker, options.CheckpointPath, options.CheckpointInterval);
        using var stopWriter = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writing = writer.RunAsync(stopWriter.Token);
        var streamer = new BinlogStreamer(options, factory, sink, tracker);
        var from = GtidState.Parse(checkpoint.Gtid);
        var deadline = DateTime.UtcNow + options.ReconnectFor;
        var connectionsBeforeLoss = 0L;
        var reconnect = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<IOException>().Handle<System.Net.Sockets.SocketException>()
                .Handle<ServerErrorException>(e => e.IsTransient)
                .Handle<CaptureException>(e => e.Message.StartsWith("cannot connect", StringComparison.Ordinal)),
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(5),
            MaxRetryAttempts = int.MaxValue,
            OnRetry = args =>
            {
                Telemetry.CaptureMetrics.Streaming = false;
                // ReconnectFor counts from the loss of a working connection, not from the start of the run.
                if (streamer.Connections != connectionsBeforeLoss)
                {
                    connectionsBeforeLoss = streamer.Connections;
                    deadline = DateTime.UtcNow + options.ReconnectFor;
                }
                from = streamer.Sent.IsEmpty ? from : streamer.Sent;
                log.LogWarning("capture: binlog connection lost ({Reason}); reconnecting from GTID '{Gtid}'", args.Outcome.Exception?.Message, from);
                return ValueTask.CompletedTask;
            },
        }).Build();
        log.LogInformation("capture: streaming from GTID '{Gtid}'", from);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                deadline = DateTime.UtcNow + options.ReconnectFor;
                var ended = await reconnect.ExecuteAsync(async token =>
                {
                    if (DateTime.UtcNow > deadline) throw new CaptureException($"MariaDB did not come back within {options.ReconnectFor.TotalSeconds:0}s");
                    return await streamer.StreamAsync(from, checksummed, token);
                }, ct);
                if (!ended) from = streamer.Sent.IsEmpty ? from : streamer.Sent;
                tracker.ThrowIfFailed();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            Telemetry.CaptureMetrics.Streaming = false;
            RowEvents = streamer.RowEvents;
            await stopWriter.CancelAsync();
            await writing;
            try { await sink.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)); } catch (TimeoutException) { }
            writer.WriteIfMoved();
        }
    }
}
