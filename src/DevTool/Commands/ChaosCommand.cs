using System.CommandLine;
using Insights.Contracts;
using Insights.DevTool.Bench.Chaos;
using Insights.Host;

namespace Insights.DevTool.Commands;

/// <summary>`insights bench chaos`: the pipeline under SIGKILLs and a MariaDB restart; the final scores must equal the replay (<see cref="ChaosRun"/>).</summary>
public static class ChaosCommand
{
    public static Command Create()
    {
        var root = RepositoryRoot.Find();
        var duration = new Option<int>("--duration") { Description = "Seconds of ticket sales; every fault happens within them.", DefaultValueFactory = _ => 300 };
        var rate = new Option<int>("--rate") { Description = "Tickets per second sold into MariaDB.", DefaultValueFactory = _ => 200 };
        var kills = new Option<int>("--kills") { Description = "SIGKILLs of each role: the capture, one of the two workers and the sink.", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Draws the moments of the kills and of the MariaDB restart; run i uses seed + i - 1.", DefaultValueFactory = _ => 1 };
        var runs = new Option<int>("--runs") { Description = "Runs, each on a fresh MariaDB, s3rver and broker; the exit code is 1 if any failed.", DefaultValueFactory = _ => 1 };
        var noRestart = new Option<bool>("--no-mariadb-restart") { Description = "Leave MariaDB running (by default it is restarted once during the sales)." };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of every member-keyed topic (the mock broker keeps only 5 MiB per partition).", DefaultValueFactory = _ => ChaosSettings.DefaultPartitions };
        var snapshotInterval = new Option<int>("--snapshot-interval") { Description = "Seconds between the sink's S3 snapshots.", DefaultValueFactory = _ => 15 };
        var elasticsearch = new Option<string?>("--elasticsearch-url")
        {
            Description = "A real Elasticsearch cluster (8/9, no authentication) the sink also writes to, into a new alias insights-chaos-<id> " +
                "left there afterwards; its documents are then compared too. Without it only the scores topic and the S3 snapshot are compared.",
        };
        var model = new Option<FileInfo>("--model")
        {
            Description = "Model file the workers score with.", DefaultValueFactory = _ => new FileInfo(Path.Combine(root, "models", "propensity-ml100k.json")),
        };
        var dataset = new Option<DirectoryInfo>("--dataset")
        {
            Description = "MovieLens dataset the cinema is seeded and sold from (read in place).",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(root, "..", "shared", "data", "ml-100k")),
        };
        var workerState = new Option<WorkerRestart>("--worker-state")
        {
            Description = "The state folder the killed worker comes back on: alternate (kept after odd kills, as a container restarted in its pod; " +
                "empty after even kills, as a new pod), kept or empty.",
            DefaultValueFactory = _ => WorkerRestart.Alternate,
        };
        var deadline = new Option<int>("--deadline-seconds") { Description = "Longest wait for each step after the sales (catch-up, drain, snapshot).", DefaultValueFactory = _ => 300 };
        var command = new Command("chaos",
            "Tickets into MariaDB at --rate for --duration while the capture, a worker and the sink are each killed with SIGKILL --kills times at random " +
            "moments and MariaDB is restarted once; then the final scores on the topic, in the sink's S3 snapshot and (with --elasticsearch-url) in " +
            "Elasticsearch must equal the in-process replay of what MariaDB committed, and each movie's published count its committed tickets. " +
            "MariaDB and s3rver run in a private folder on free ports, the broker is the local mock; nothing of a running stack is touched.")
        {
            duration, rate, kills, seed, runs, noRestart, partitions, snapshotInterval, elasticsearch, model, dataset, workerState, deadline,
        };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new ChaosSettings(parse.GetValue(model)!.FullName, parse.GetValue(dataset)!, TimeSpan.FromSeconds(parse.GetValue(duration)),
                parse.GetValue(rate), parse.GetValue(kills), parse.GetValue(seed), parse.GetValue(runs), parse.GetValue(elasticsearch),
                !parse.GetValue(noRestart), parse.GetValue(partitions), parse.GetValue(snapshotInterval), Deadline: TimeSpan.FromSeconds(parse.GetValue(deadline)),
                WorkerRestart: parse.GetValue(workerState));
            if (settings.Problem() is { } problem) throw new CommandLineError(problem);
            var outcomes = await new ChaosRun(settings, Console.Out).ExecuteAsync(ct);
            return outcomes.All(o => o.Passed) ? 0 : 1;
        });
        return command;
    }
}
