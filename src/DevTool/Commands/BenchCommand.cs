using System.CommandLine;
using System.Diagnostics;
using Insights.Capture;
using Insights.Capture.Position;
using Insights.Capture.Schema;
using Insights.Capture.Sinks;
using Insights.Contracts;
using Insights.Contracts.Configuration;
using Insights.DevTool.Bench;
using Insights.Host;
using Insights.Host.Configuration;
using Insights.TestSupport;
using Microsoft.Extensions.Configuration;
using MySqlConnector;
using static Insights.TestSupport.Statistics;

namespace Insights.DevTool.Commands;

/// <summary>
/// `insights bench`: every measurement with its baseline in the same run.
/// <list type="bullet">
/// <item>`capture`: row events per second the capture decodes and turns into Debezium events, against `mariadb-binlog --verbose`
///   decoding the same binlog files (medians of --runs). It reads the binlog as it is: fill it first (`insights seed`, `insights replay`).</item>
/// <item>`processors`: the topology in the TopologyTestDriver against the pure model (<see cref="ProcessorsBench"/>); with --broker, worker
///   processes on the mock broker against a bare Streamiz count (<see cref="ProcessorsBrokerBench"/>).</item>
/// <item>`soak`: two workers, one killed during a load; the final scores must equal the replay (<see cref="SoakRun"/>).</item>
/// <item>`scale`: workers join and leave a busy group; no partition may idle beyond the session timeout plus 10 s, and the
///   final scores must equal the replay (<see cref="ScaleRun"/>).</item>
/// <item>`chaos`: capture, a worker and the sink killed and MariaDB restarted under load; the final scores must equal the replay (<see cref="ChaosCommand"/>).</item>
/// <item>`ticket-count` (hidden): the broker bench's baseline process (<see cref="TicketCountBaseline"/>).</item>
/// </list>
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
            var connection = config.Bind<MariaDbSettings>(MariaDbSettings.Section).CaptureConnectionString is { Length: > 0 } value
                ? value : throw new CommandLineError($"configuration key {MariaDbSettings.Section}:{nameof(MariaDbSettings.CaptureConnectionString)} is missing");
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
        var processorsRuns = new Option<int?>("--runs") { Description = "Runs; medians are reported. Default 5, with --broker 3." };
        var tickets = new Option<int?>("--tickets") { Description = "Ticket events per run. Default 20,000; with --broker 200,000, the measured load (after the warm-up)." };
        var members = new Option<int?>("--members") { Description = "Members of the synthetic cinema. Default 1,000; with --broker 100,000." };
        var movies = new Option<int?>("--movies") { Description = "Movies of the synthetic cinema. Default 40, all now showing; with --broker 1,000, 20 now showing and 10 coming soon." };
        foreach (var option in new[] { processorsRuns, tickets, members, movies }) AtLeast(option, 1);
        var broker = new Option<bool>("--broker")
        {
            Description = "Run `insights worker` processes on the local mock broker instead of the TopologyTestDriver: drain events/s and CPU per 1,000 " +
                "events for each --workers count vs a bare Streamiz count of the same tickets, event-to-score latency at --rate with one worker, and the " +
                "restore time of a fresh worker (from the changelogs as written and from compacted copies of them). Each configuration runs on a fresh broker in its own process (.build/broker, built by stack/install).",
        };
        var warmup = new Option<int>("--warmup") { Description = "With --broker: tickets before the measured load, waited on until every one is scored.", DefaultValueFactory = _ => 20_000 };
        AtLeast(warmup, 0);
        var latencyTickets = new Option<int>("--latency-tickets") { Description = "With --broker: tickets produced at --rate for the latency figures.", DefaultValueFactory = _ => 10_000 };
        AtLeast(latencyTickets, 1);
        var rate = new Option<int>("--rate") { Description = "With --broker: tickets per second of the paced latency load (in 10 ms slices).", DefaultValueFactory = _ => 1_000 };
        AtLeast(rate, 100);
        var partitions = new Option<int>("--partitions")
        {
            Description = "With --broker: partitions of every member-keyed topic. The mock broker keeps only the newest 5 MiB per partition; " +
                "the bench fails naming any partition it trimmed.",
            DefaultValueFactory = _ => 8,
        };
        AtLeast(partitions, 1);
        var workers = new Option<int[]>("--workers")
        {
            Description = "With --broker: worker counts to measure; 1 is required (the baseline ratio, latency and restore are of one worker).",
            DefaultValueFactory = _ => [1, 2, 4], AllowMultipleArgumentsPerToken = true,
        };
        var zipf = new Option<double>("--zipf-exponent") { Description = "With --broker: movie popularity falls as 1 / rank^exponent.", DefaultValueFactory = _ => 1.0 };
        var streamThreads = new Option<int>("--stream-threads")
        {
            Description = "With --broker: stream threads of every worker and of the count baseline (Processors:NumStreamThreads).", DefaultValueFactory = _ => 1,
        };
        AtLeast(streamThreads, 1);
        var workerSettings = new Option<string[]>("--worker-setting")
        {
            Description = "With --broker: a worker setting to measure with, as KEY=VALUE (e.g. Processors:CommitIntervalMs=200); repeatable. " +
                "The workers get it, the count baseline does not.",
            DefaultValueFactory = _ => [], AllowMultipleArgumentsPerToken = false,
        };
        workerSettings.Validators.Add(result =>
        {
            foreach (var setting in result.GetValueOrDefault<string[]>() ?? [])
                if (ProcessorsBrokerBench.WorkerSetting(setting) is null)
                    result.AddError($"--worker-setting {setting}: expected Processors:KEY=VALUE");
        });
        var json = new Option<bool>("--json") { Description = "With --broker: print one JSON object with every figure and its per-run values instead of the table." };
        var compression = new Option<string>("--compression")
        {
            Description = "Producer compression of the load and of the workers (Processors:CompressionType): none, gzip, snappy, lz4, zstd. " +
                "The mock broker keeps only 5 MiB per partition of batches as produced.",
            DefaultValueFactory = _ => "zstd",
        };
        compression.AcceptOnlyFromAmong("none", "gzip", "snappy", "lz4", "zstd");
        var processors = new Command("processors", "Ticket events/s through the scoring topology and new-movie rescore time vs the pure model; with --broker, " +
            "worker processes on the mock broker vs a bare Streamiz count: drain rate, CPU per event and scale-out, latency, restore.")
        {
            processorsRuns, model, tickets, members, movies, broker, warmup, latencyTickets, rate, partitions, workers, zipf, streamThreads, workerSettings, json, compression,
        };
        var brokerOnly = new Option[] { warmup, latencyTickets, rate, partitions, workers, zipf, streamThreads, workerSettings, json };
        workers.Validators.Add(result =>
        {
            var counts = result.GetValueOrDefault<int[]>() ?? [];
            if (!counts.Contains(1)) result.AddError("--workers must include 1");
            if (counts.Any(c => c < 1)) result.AddError("--workers counts must be at least 1");
            if (counts.Distinct().Count() != counts.Length) result.AddError("--workers counts must differ");
        });
        zipf.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is <= 0 or > 5) result.AddError("--zipf-exponent must be above 0 and at most 5");
        });
        processors.Validators.Add(command =>
        {
            if (!command.GetValue(broker) && brokerOnly.FirstOrDefault(o => command.GetResult(o) is { Implicit: false }) is { } option)
                command.AddError($"{option.Name} needs --broker");
        });
        processors.SetAction(async (parse, ct) =>
        {
            var modelPath = parse.GetValue(model)!.FullName;
            if (!File.Exists(modelPath)) throw new CommandLineError($"--model {modelPath} does not exist (train one with `insights train`)");
            try
            {
                if (!parse.GetValue(broker))
                {
                    var settings = new ProcessorsBench.Settings(modelPath, parse.GetValue(processorsRuns) ?? 5, parse.GetValue(tickets) ?? 20_000,
                        parse.GetValue(members) ?? 1_000, parse.GetValue(movies) ?? 40);
                    await ProcessorsBench.ExecuteAsync(settings, Console.Out, Console.Error, ct);
                    return 0;
                }
                if (parse.GetValue(workers)!.Max() > parse.GetValue(partitions)) throw new CommandLineError("--workers counts must not exceed --partitions");
                var onBroker = new ProcessorsBrokerBench.Settings(modelPath, parse.GetValue(processorsRuns) ?? 3, parse.GetValue(members) ?? 100_000,
                    parse.GetValue(movies) ?? 1_000, parse.GetValue(zipf), parse.GetValue(warmup), parse.GetValue(tickets) ?? 200_000,
                    parse.GetValue(latencyTickets), parse.GetValue(rate), parse.GetValue(partitions), parse.GetValue(workers)!.Order().ToArray(),
                    parse.GetValue(compression)!, parse.GetValue(json), parse.GetValue(streamThreads),
                    [.. parse.GetValue(workerSettings)!.Select(setting => ProcessorsBrokerBench.WorkerSetting(setting)!.Value)]);
                await new ProcessorsBrokerBench(onBroker, Console.Out, Console.Error).ExecuteAsync(ct);
                return 0;
            }
            catch (WaitTimedOut timedOut) { throw new CommandLineError($"bench processors: {timedOut.Message}"); }
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
        var soak = new Command("soak", "Crash safety at soak size: two worker processes on the mock broker (4 partitions), one killed with SIGKILL during a ticket load; final scores must equal the replay.")
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
        var scaleRate = new Option<int>("--rate") { Description = "Tickets per second of the load.", DefaultValueFactory = _ => 500 };
        var scaleSeconds = new Option<int>("--seconds") { Description = "Length of the load in seconds (tickets = rate x seconds).", DefaultValueFactory = _ => 150 };
        var scalePartitions = new Option<int>("--partitions") { Description = "Partitions of every topic but the catalog.", DefaultValueFactory = _ => 8 };
        var sessionTimeout = new Option<int>("--session-timeout-ms")
        {
            Description = "The workers' Processors:SessionTimeoutMs; a partition may be idle for this plus 10 s.", DefaultValueFactory = _ => 6_000,
        };
        var maxPoll = new Option<int?>("--max-poll-interval-ms") { Description = "The workers' Processors:MaxPollIntervalMs (default: the worker's default)." };
        var commitInterval = new Option<int?>("--commit-interval-ms") { Description = "The workers' Processors:CommitIntervalMs (default: the worker's default)." };
        var workerDebug = new Option<string?>("--worker-debug")
        {
            Description = "librdkafka debug contexts of the workers' main consumers (Processors:ConsumerDebug, e.g. cgrp), written to the worker logs.",
        };
        var logs = new Option<DirectoryInfo?>("--logs") { Description = "Folder for the workers' logs (default: a new temp folder)." };
        var scale = new Command("scale", "Workers join and leave a busy group on the mock broker (1 -> 2 -> 3 -> 2 -> 1 during a ticket load); " +
            "fails when a partition's committed offset stood still with lag longer than the session timeout + 10 s, or the final scores differ from the replay.")
        {
            model, scaleRate, scaleSeconds, soakMembers, soakMovies, scalePartitions, compression, sessionTimeout, maxPoll, commitInterval, workerDebug, logs, deadline,
        };
        scale.SetAction(async (parse, ct) =>
        {
            var settings = new ScaleRun.Settings(parse.GetValue(model)!.FullName, parse.GetValue(scaleRate), parse.GetValue(scaleSeconds),
                parse.GetValue(soakMembers), parse.GetValue(soakMovies), parse.GetValue(scalePartitions), parse.GetValue(compression)!,
                parse.GetValue(sessionTimeout), parse.GetValue(maxPoll), parse.GetValue(commitInterval), parse.GetValue(workerDebug),
                parse.GetValue(logs)?.FullName, TimeSpan.FromSeconds(parse.GetValue(deadline)));
            if (!File.Exists(settings.ModelPath)) throw new CommandLineError($"--model {settings.ModelPath} does not exist (train one with `insights train`)");
            if (settings.Rate < 1 || settings.Seconds < 10) throw new CommandLineError("--rate must be at least 1 and --seconds at least 10");
            if (settings.Members < 1 || settings.Movies < 1) throw new CommandLineError("--members and --movies must be at least 1");
            if (settings.Partitions is < 3 or > 64) throw new CommandLineError("--partitions must be 3..64 (three workers share them)");
            if (settings.Deadline < TimeSpan.FromSeconds(10)) throw new CommandLineError("--deadline-seconds must be at least 10");
            // The workers validate their settings when they start: refuse here, before a broker starts, what they would refuse.
            if (settings.Workers().Problem() is { } problem) throw new CommandLineError($"the workers would refuse their settings: {problem}");
            return await new ScaleRun(settings, Console.Out).ExecuteAsync(ct) ? 0 : 1;
        });
        return new Command("bench", "Throughput measurements with a baseline in the same run.") { capture, processors, soak, scale, ChaosCommand.Create(), TicketCountBaseline.Command() };
    }

    private static void AtLeast<T>(Option<T> option, int minimum) =>
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is { } value && Convert.ToInt64(value) < minimum) result.AddError($"{option.Name} must be at least {minimum:N0}");
        });

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

}
