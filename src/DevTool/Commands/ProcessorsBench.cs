using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Insights.Contracts;
using Insights.Contracts.Topics;
using Insights.Evaluation.Training;
using Insights.Processors;
using Insights.Processors.Movies;
using Insights.Processors.Topology;
using Insights.Propensity.Scoring;
using Insights.TestSupport;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Mock;
using Streamiz.Kafka.Net.SerDes;
using static Insights.TestSupport.Statistics;

namespace Insights.DevTool.Commands;

/// <summary>
/// `insights bench processors`: ticket events per second through the scoring topology (Streamiz's
/// TopologyTestDriver with its in-memory cluster: parsing, session join, repartition, member store, collective
/// updates, punctuated scoring), and the time until every member's scores carry a new coming-soon movie. The
/// baseline, in the same run on the same events, is the pure model without Kafka or Streamiz: the evaluation's
/// StreamingReplay (member state + collective state) plus one scoring pass over every member.
/// </summary>
internal static class ProcessorsBench
{
    public sealed record Settings(string ModelPath, int Runs, int Tickets, int Members, int Movies);

    private sealed record Run(double LoadSeconds, double RescoreSeconds, double BaselineLoadSeconds, double BaselineRescoreSeconds);

    public static async Task ExecuteAsync(Settings settings, TextWriter output, TextWriter progress, CancellationToken ct)
    {
        var model = Processors.Hosting.ScoringStream.LoadModel(settings.ModelPath);
        var cinema = new ProcessorsBenchCinema(settings.Movies, settings.Members, settings.Tickets);
        var runs = new List<Run>();
        for (var run = 0; run < settings.Runs; run++)
        {
            // Alternate which side goes first so neither always runs on a warmer machine.
            var (modelLoad, modelRescore) = run % 2 == 1 ? Baseline(cinema, model) : default;
            var (topologyLoad, topologyRescore) = await TopologyAsync(cinema, model, ct);
            if (run % 2 == 0) (modelLoad, modelRescore) = Baseline(cinema, model);
            runs.Add(new Run(topologyLoad, topologyRescore, modelLoad, modelRescore));
            progress.WriteLine($"bench processors: run {run + 1}/{settings.Runs}: topology {topologyLoad:0.000} s + rescore {topologyRescore:0.000} s, model {modelLoad:0.000} s + rescore {modelRescore:0.000} s");
        }
        var load = Median(runs.Select(r => r.LoadSeconds));
        var baseline = Median(runs.Select(r => r.BaselineLoadSeconds));
        var rescore = Median(runs.Select(r => r.RescoreSeconds));
        var baselineRescore = Median(runs.Select(r => r.BaselineRescoreSeconds));
        var defaults = new ProcessorOptions { Model = model };
        output.WriteLine($"workload: {settings.Tickets} tickets, {settings.Members} members, {settings.Movies} movies; model {model.ModelVersion}; {settings.Runs} runs, medians");
        output.WriteLine($"topology (TopologyTestDriver, in-memory cluster)  {settings.Tickets / load,10:N0} events/s  ({load:0.000} s until every ticket reached the collective state)");
        output.WriteLine($"pure model (StreamingReplay + one scoring pass)   {settings.Tickets / baseline,10:N0} events/s  ({baseline:0.000} s)");
        output.WriteLine($"ratio topology / pure model: {baseline / load:0.000}");
        output.WriteLine($"new coming-soon movie, until every member's scores carry it: {rescore * 1000:0} ms " +
            $"(flush every {defaults.FlushInterval.TotalMilliseconds:0} ms, {defaults.RescoreBatch} members per flush per task); " +
            $"pure model rescoring every member: {baselineRescore * 1000:0.0} ms; ratio {rescore / baselineRescore:0.0}");
    }

    /// <summary>Loads the cinema into a fresh topology; returns seconds until every ticket was applied, and for the new movie to reach every member.</summary>
    private static async Task<(double Load, double Rescore)> TopologyAsync(ProcessorsBenchCinema cinema, PropensityModel model, CancellationToken ct)
    {
        var options = new ProcessorOptions { Model = model, Partitions = 1 }.Validated();
        var movies = new SharedMovieState(model.Settings, options.GenreNames, options.SessionRetention);
        var stateDir = Directory.CreateTempSubdirectory("insights-bench-processors-").FullName;
        try
        {
            var config = new StreamConfig<ByteArraySerDes, ByteArraySerDes>
            {
                ApplicationId = $"insights-bench-{Guid.NewGuid():N}", StateDir = stateDir,
                Logger = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            };
            config.CommitIntervalMs = 1000;
            using var driver = new TopologyTestDriver(ScoringTopology.Build(options, movies), config, TopologyTestDriver.Mode.ASYNC_CLUSTER_IN_MEMORY);
            var inputs = new[] { options.MoviesTopic, options.SessionsTopic, options.MembersTopic, options.TicketsTopic }
                .ToDictionary(topic => topic, topic => driver.CreateInputTopic<byte[], byte[]>(topic));
            var scores = driver.CreateOutputTopic<byte[], byte[]>(TopicNames.Scores, TimeSpan.FromMilliseconds(50), new ByteArraySerDes(), new ByteArraySerDes());
            foreach (var change in cinema.ReferenceEvents()) Pipe(inputs, change);
            await Poll.UntilAsync(() => movies.Catalog.Count == cinema.Movies.Length, () => "the catalog", TimeSpan.FromSeconds(60), ct, Interval);

            var events = Enumerable.Range(0, cinema.Attendances.Count).Select(cinema.Ticket).ToList();
            var clock = Stopwatch.StartNew();
            foreach (var ticket in events) Pipe(inputs, ticket);
            await Poll.UntilAsync(() => movies.AttendancesCounted >= events.Count, () => $"{events.Count} tickets in the collective state", TimeSpan.FromMinutes(10), ct, Interval);
            var load = clock.Elapsed.TotalSeconds;

            // Drain the load's score updates, then add a coming-soon movie and wait for every member to carry it.
            Drain(scores, _ => { });
            var newMovie = cinema.Movies.Length + 1;
            var carrying = new HashSet<string>();
            var expected = cinema.Attendances.Select(a => a.MemberId).Distinct().Count();
            clock.Restart();
            Pipe(inputs, cinema.Movie(newMovie, "comedy", "coming_soon", ProcessorsBenchCinema.Start.AddDays(400)));
            await Poll.UntilAsync(() =>
            {
                Drain(scores, record =>
                {
                    if (record.Message.Value is null) return;
                    var update = JsonSerializer.Deserialize(record.Message.Value, ContractsJsonContext.Default.ScoreUpdate)!;
                    if (update.Scores.Any(s => s.MovieId == newMovie)) carrying.Add(Encoding.UTF8.GetString(record.Message.Key));
                });
                return carrying.Count >= expected;
            }, () => "every member's scores to carry the new movie", TimeSpan.FromMinutes(5), ct, Interval);
            return (load, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            try { Directory.Delete(stateDir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The same events through the pure model: apply every attendance, then score every member once; and a second pass with the new movie.</summary>
    private static (double Load, double Rescore) Baseline(ProcessorsBenchCinema cinema, PropensityModel model)
    {
        var dataset = cinema.Dataset();
        var clock = Stopwatch.StartNew();
        var replay = new StreamingReplay(dataset, model.Settings);
        replay.ApplyAll(cinema.Attendances);
        var scorer = new PropensityScorer(model, dataset.Catalog);
        var candidates = cinema.Candidates;
        ScoreEveryone(replay, scorer, candidates);
        var load = clock.Elapsed.TotalSeconds;

        var newMovie = cinema.Movies.Length + 1;
        clock.Restart();
        dataset.Catalog.Upsert(new Propensity.Catalog.Movie(newMovie, ProcessorsBenchCinema.GenreBits("comedy"), null, Propensity.Catalog.MovieStatus.ComingSoon));
        ScoreEveryone(replay, new PropensityScorer(model, dataset.Catalog), [.. candidates, newMovie]);
        return (load, clock.Elapsed.TotalSeconds);
    }

    private static void ScoreEveryone(StreamingReplay replay, PropensityScorer scorer, int[] candidates)
    {
        var scores = new CandidateScore[candidates.Length];
        foreach (var member in replay.Members.Values) scorer.Score(member, candidates, replay.Collective, member.LastAt ?? 0, scores);
    }

    private static void Pipe(Dictionary<string, TestInputTopic<byte[], byte[]>> inputs, CinemaEvent change) => inputs[change.Topic()].PipeInput(change.Key, change.Value);

    /// <summary>The in-memory cluster answers within milliseconds: look often, or the poll is what gets timed.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(1);

    private static void Drain(TestOutputTopic<byte[], byte[]> topic, Action<Confluent.Kafka.ConsumeResult<byte[], byte[]>> each)
    {
        foreach (var record in topic.ReadKeyValueList()) each(record);
    }

}
