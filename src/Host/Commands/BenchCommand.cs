using System.CommandLine;
using System.Diagnostics;
using Insights.Capture;
using Insights.Capture.Position;
using Insights.Capture.Schema;
using Insights.Capture.Sinks;
using Insights.Host.Bench;
using Insights.Host.Configuration;
using Microsoft.Extensions.Configuration;
using MySqlConnector;

namespace Insights.Host.Commands;

/// <summary>
/// `insights bench processors` (see <see cref="ProcessorsBench"/>) and `insights bench capture`: row events per second the capture decodes and turns into Debezium events,
/// against `mariadb-binlog --verbose` decoding the same binlog files in the same run (medians of --runs).
/// It reads the binlog as it is: fill it first (`insights seed`, `insights replay`).
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var runs = new Option<int>("--runs") { Description = "Runs of each side; medians are reported.", DefaultValueFactory = _ => 5 };
        var capture = new Command("capture", "Capture decoding throughput vs mariadb-binlog on the same binlog.") { runs };
        capture.SetAction(async (parse, ct) =>
        {
            var config = new ConfigurationBuilder().AddInsightsSources().Build();
            var connection = config["MariaDb:CaptureConnectionString"] is { Length: > 0 } value
                ? value : throw new CommandLineError("configuration key MariaDb:CaptureConnectionString is missing");
            var count = parse.GetValue(runs);
            if (count < 1) throw new CommandLineError("--runs must be at least 1");
            await RunAsync(connection, count, ct);
            return 0;
        });
        var model = new Option<FileInfo>("--model")
        {
            Description = "Model file the topology scores with.",
            DefaultValueFactory = _ => new FileInfo(Path.Combine(RepositoryRoot.Find(), "models", "propensity-ml100k.json")),
        };
        var tickets = new Option<int>("--tickets") { Description = "Ticket events per run.", DefaultValueFactory = _ => 20_000 };
        var members = new Option<int>("--members") { Description = "Members of the synthetic cinema.", DefaultValueFactory = _ => 1_000 };
        var movies = new Option<int>("--movies") { Description = "Now-showing movies of the synthetic cinema.", DefaultValueFactory = _ => 40 };
        var broker = new Option<bool>("--broker")
        {
            Description = "Run `insights worker` processes on the local mock broker instead of the TopologyTestDriver: events/s with 1 and 2 workers " +
                "vs a plain consumer, and event-to-score latency at --rate.",
        };
        var warmup = new Option<int>("--warmup") { Description = "With --broker: tickets processed before timing (JIT warm-up).", DefaultValueFactory = _ => 3_000 };
        var latencyTickets = new Option<int>("--latency-tickets") { Description = "With --broker: tickets produced at --rate for the latency figures.", DefaultValueFactory = _ => 5_000 };
        var rate = new Option<int>("--rate") { Description = "With --broker: tickets per second of the paced load the latency is measured on.", DefaultValueFactory = _ => 500 };
        var compression = new Option<string>("--compression")
        {
            Description = "Producer compression of the load and of the workers (Processors:CompressionType): none, gzip, snappy, lz4, zstd. " +
                "The mock broker keeps only 5 MiB per partition of batches as produced.",
            DefaultValueFactory = _ => "zstd",
        };
        compression.AcceptOnlyFromAmong("none", "gzip", "snappy", "lz4", "zstd");
        var processors = new Command("processors", "Ticket events/s through the scoring topology and new-movie rescore time vs the pure model; with --broker, worker processes on the mock broker.")
        {
            runs, model, tickets, members, movies, broker, warmup, latencyTickets, rate, compression,
        };
        processors.SetAction(async (parse, ct) =>
        {
            var settings = new ProcessorsBench.Settings(parse.GetValue(model)!.FullName, parse.GetValue(runs), parse.GetValue(tickets),
                parse.GetValue(members), parse.GetValue(movies));
            if (settings.Runs < 1) throw new CommandLineError("--runs must be at least 1");
            if (settings.Tickets < 1 || settings.Members < 1 || settings.Movies < 1) throw new CommandLineError("--tickets, --members and --movies must be at least 1");
            if (!File.Exists(settings.ModelPath)) throw new CommandLineError($"--model {settings.ModelPath} does not exist (train one with `insights train`)");
            if (!parse.GetValue(broker))
            {
                ProcessorsBench.Execute(settings, Console.Out, Console.Error);
                return 0;
            }
            if (parse.GetValue(warmup) < 0 || parse.GetValue(latencyTickets) < 1) throw new CommandLineError("--warmup must not be negative and --latency-tickets must be at least 1");
            if (parse.GetValue(rate) < 1) throw new CommandLineError("--rate must be at least 1");
            var onBroker = new ProcessorsBrokerBench.Settings(settings.ModelPath, settings.Runs, settings.Tickets, settings.Members, settings.Movies, Partitions: 4,
                parse.GetValue(warmup), parse.GetValue(latencyTickets), parse.GetValue(rate), parse.GetValue(compression)!);
            await new ProcessorsBrokerBench(onBroker, Console.Out, Console.Error).ExecuteAsync(ct);
            return 0;
        });
        var soakTickets = new Option<int>("--tickets") { Description = "Tickets per run.", DefaultValueFactory = _ => 100_000 };
        var soakMembers = new Option<int>("--members") { Description = "Members of the synthetic cinema.", DefaultValueFactory = _ => 200 };
        var soakMovies = new Option<int>("--movies") { Description = "Now-showing movies of the synthetic cinema.", DefaultValueFactory = _ => 24 };
        var soakRate = new Option<int>("--rate") { Description = "Tickets per second of the load.", DefaultValueFactory = _ => 1_500 };
        var kills = new Option<int[]>("--kills")
        {
            Description = "One run per value: how many times one worker is killed with SIGKILL during the load.",
            DefaultValueFactory = _ => [1, 3], AllowMultipleArgumentsPerToken = true,
        };
        var deadline = new Option<int>("--deadline-seconds") { Description = "Longest wait for the workers at each step.", DefaultValueFactory = _ => 600 };
        var soak = new Command("soak", "Issue 5's scale-out soak: two worker processes on the mock broker (4 partitions), one killed with SIGKILL during a ticket load; final scores must equal the replay.")
        {
            model, soakTickets, soakMembers, soakMovies, soakRate, kills, compression, deadline,
        };
        soak.SetAction(async (parse, ct) =>
        {
            var settings = new SoakRun.Settings(parse.GetValue(model)!.FullName, parse.GetValue(soakTickets), parse.GetValue(soakMembers), parse.GetValue(soakMovies),
                Partitions: 4, parse.GetValue(soakRate), parse.GetValue(kills)!, parse.GetValue(compression)!, TimeSpan.FromSeconds(parse.GetValue(deadline)));
            if (!File.Exists(settings.ModelPath)) throw new CommandLineError($"--model {settings.ModelPath} does not exist (train one with `insights train`)");
            if (settings.Tickets < 10 || settings.Members < 1 || settings.Movies < 1) throw new CommandLineError("--tickets must be at least 10, --members and --movies at least 1");
            if (settings.Rate < 1) throw new CommandLineError("--rate must be at least 1");
            if (settings.Kills.Count == 0 || settings.Kills.Any(k => k < 0)) throw new CommandLineError("--kills needs one or more counts, none negative");
            if (settings.Deadline < TimeSpan.FromSeconds(10)) throw new CommandLineError("--deadline-seconds must be at least 10");
            return await new SoakRun(settings, Console.Out).ExecuteAsync(ct) ? 0 : 1;
        });
        return new Command("bench", "Throughput measurements with a baseline in the same run.") { capture, processors, soak };
    }

    private sealed class CountingSink : IChangeEventSink
    {
        public long Events;
        public long Bytes;
        public void Send(CapturedEvent change, Action<Exception?> delivered)
        {
            Events++;
            Bytes += (change.Key?.Length ?? 0) + (change.Value?.Length ?? 0);
            delivered(null);
        }
        public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public void Dispose() { }
    }

    private static async Task RunAsync(string connectionString, int runs, CancellationToken ct)
    {
        var files = new List<string>();
        bool checksummed;
        await using (var connection = new MySqlConnection(connectionString))
        {
            await connection.OpenAsync(ct);
            await using (var command = new MySqlCommand("SHOW BINARY LOGS", connection))
            await using (var reader = await command.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) files.Add(reader.GetString(0));
            await using var checksum = new MySqlCommand("SELECT @@global.binlog_checksum", connection);
            checksummed = !string.Equals(await checksum.ExecuteScalarAsync(ct) as string, "NONE", StringComparison.OrdinalIgnoreCase);
        }
        if (files.Count == 0) throw new CommandLineError("the server has no binary logs to read");

        var captureTimes = new List<double>();
        var baselineTimes = new List<double>();
        long captureRows = 0, baselineRows = 0, events = 0, bytes = 0;
        for (var run = 0; run < runs; run++)
        {
            // Alternate which side goes first so neither always gets the warm page cache.
            if (run % 2 == 0)
            {
                (captureRows, events, bytes) = await TimeCaptureAsync(connectionString, files[0], checksummed, captureTimes, ct);
                baselineRows = await TimeBaselineAsync(connectionString, files, baselineTimes, ct);
            }
            else
            {
                baselineRows = await TimeBaselineAsync(connectionString, files, baselineTimes, ct);
                (captureRows, events, bytes) = await TimeCaptureAsync(connectionString, files[0], checksummed, captureTimes, ct);
            }
            Console.Error.WriteLine($"bench capture: run {run + 1}/{runs}: capture {captureTimes[^1]:0.000}s, mariadb-binlog {baselineTimes[^1]:0.000}s");
        }
        var captureMedian = Median(captureTimes);
        var baselineMedian = Median(baselineTimes);
        var captureRate = captureRows / captureMedian;
        var baselineRate = baselineRows / baselineMedian;
        Console.WriteLine($"binlog files: {files.Count} ({files[0]} .. {files[^1]}), runs: {runs}, medians");
        Console.WriteLine($"capture         {captureRows,10} row events  {captureMedian,8:0.000} s  {captureRate,12:N0} rows/s  ({events} Kafka records, {bytes / 1048576.0:0.0} MiB of JSON)");
        Console.WriteLine($"mariadb-binlog  {baselineRows,10} row events  {baselineMedian,8:0.000} s  {baselineRate,12:N0} rows/s  (--verbose, output read and discarded)");
        Console.WriteLine($"ratio capture / mariadb-binlog: {captureRate / baselineRate:0.00}");
        if (captureRows == 0) Console.WriteLine("note: no row events of the captured tables in the binlog; fill it first (insights seed)");
    }

    private static async Task<(long Rows, long Events, long Bytes)> TimeCaptureAsync(string connectionString, string firstFile, bool checksummed, List<double> times, CancellationToken ct)
    {
        var options = new CaptureOptions { ConnectionString = connectionString, CheckpointPath = Path.GetTempFileName(), ServerId = 184199 };
        using var sink = new CountingSink();
        var factory = new ChangeEventFactory(options.TopicPrefix, new DebeziumColumnEncoder(options.Decimals), TimeProvider.System, options.MessageKeyColumns);
        var streamer = new BinlogStreamer(options, factory, sink, new CommitTracker(null));
        var watch = Stopwatch.StartNew();
        await streamer.ReadToEndAsync(firstFile, checksummed, ct);
        times.Add(watch.Elapsed.TotalSeconds);
        File.Delete(options.CheckpointPath);
        return (streamer.RowEvents, sink.Events, sink.Bytes);
    }

    private static async Task<long> TimeBaselineAsync(string connectionString, List<string> files, List<double> times, CancellationToken ct)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        var info = new ProcessStartInfo("mariadb-binlog")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--read-from-remote-server", $"--host={builder.Server}", $"--port={builder.Port}", $"--user={builder.UserID}", "--verbose" }.Concat(files))
            info.ArgumentList.Add(argument);
        // The password goes through the environment, never the command line (visible in ps).
        info.Environment["MYSQL_PWD"] = builder.Password;
        var watch = Stopwatch.StartNew();
        Process process;
        try { process = Process.Start(info)!; }
        catch (System.ComponentModel.Win32Exception) { throw new CommandLineError("mariadb-binlog is not installed (apt-get install mariadb-client)"); }
        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync(ct);
            long rows = 0;
            while (await process.StandardOutput.ReadLineAsync(ct) is { } line)
                if (line.StartsWith("### INSERT INTO", StringComparison.Ordinal) || line.StartsWith("### UPDATE", StringComparison.Ordinal) || line.StartsWith("### DELETE FROM", StringComparison.Ordinal))
                    rows++;
            await process.WaitForExitAsync(ct);
            times.Add(watch.Elapsed.TotalSeconds);
            if (process.ExitCode != 0) throw new CommandLineError($"mariadb-binlog failed ({process.ExitCode}): {(await errors).Trim()}");
            return rows;
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
