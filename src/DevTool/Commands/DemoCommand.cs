using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Insights.Contracts;
using Insights.DevTool.Demo.Live;
using Insights.Host;

namespace Insights.DevTool.Commands;

/// <summary>
/// `insights demo`: the whole pipeline live on this machine (see <see cref="DemoRun"/>). The run happens on
/// a foreground thread with its own SIGINT/SIGTERM handling, so stopping the children in order may take as
/// long as they need even though the command line's own termination timeout is shorter.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var dataset = new Option<DirectoryInfo>("--dataset")
        {
            Description = "MovieLens dataset folder (ml-100k layout or MovieLens CSV layout).",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(RepositoryRoot.Find(), "..", "shared", "data", "ml-100k")),
        };
        var rate = new Option<double>("--rate") { Description = "Tickets replayed per second.", DefaultValueFactory = _ => 20 };
        var duration = new Option<int?>("--duration") { Description = "Stop by itself after this many seconds of live replay (default: run until Ctrl+C)." };
        var noDashboard = new Option<bool>("--no-dashboard") { Description = "Print a one-line summary every few seconds instead of the live table." };
        var movie = new Option<int?>("--movie") { Description = "Movie id to feature on the dashboard (default: the now-showing movie selling most)." };
        var keepStack = new Option<bool>("--keep-stack") { Description = "Leave the local stack (MariaDB, Kafka, s3rver) running after the demo stops." };
        var model = new Option<FileInfo>("--model")
        {
            Description = "Model file the workers score with.",
            DefaultValueFactory = _ => new FileInfo(Path.Combine(RepositoryRoot.Find(), "models", "propensity-ml100k.json")),
        };
        var command = new Command("demo", "Run the whole pipeline live: stack, seed, capture, two workers, sink, API, ticket replay and a dashboard.")
        {
            dataset, rate, duration, noDashboard, movie, keepStack, model,
        };
        command.SetAction(async (parse, ct) =>
        {
            var perSecond = parse.GetValue(rate);
            if (!(perSecond > 0) || double.IsInfinity(perSecond))
                throw new CommandLineError($"--rate must be a positive number of tickets per second, got {perSecond.ToString(CultureInfo.InvariantCulture)}");
            if (parse.GetValue(duration) is <= 0 and var seconds) throw new CommandLineError($"--duration must be a positive number of seconds, got {seconds}");
            var folder = parse.GetValue(dataset)!;
            if (!folder.Exists) throw new CommandLineError($"--dataset {folder.FullName} does not exist");
            var modelFile = parse.GetValue(model)!;
            if (!modelFile.Exists) throw new CommandLineError($"--model {modelFile.FullName} does not exist (write one with `insights train`)");
            var options = new DemoOptions(folder, perSecond, parse.GetValue(duration) is { } s ? TimeSpan.FromSeconds(s) : null,
                Dashboard: !parse.GetValue(noDashboard) && !Console.IsOutputRedirected, parse.GetValue(movie), parse.GetValue(keepStack), modelFile.FullName);
            return await RunOnForegroundThreadAsync(options, ct);
        });
        return command;
    }

    private static Task<int> RunOnForegroundThreadAsync(DemoOptions options, CancellationToken commandLineCancel)
    {
        var stopping = new CancellationTokenSource();
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            if (!stopping.IsCancellationRequested) Console.Error.WriteLine("demo: stopping...");
            stopping.Cancel();
        }
        // A foreground thread keeps the process alive until the children are stopped, whatever the caller does.
        var thread = new Thread(() =>
        {
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var linked = commandLineCancel.Register(stopping.Cancel);
            try
            {
                var run = new DemoRun(options, DemoLayout.Current(), InsightsProgram.BesideThisTool(), Console.Out);
                done.SetResult(run.RunAsync(stopping.Token).GetAwaiter().GetResult());
            }
            catch (Exception e) { done.SetException(e); }
        })
        { IsBackground = false, Name = "insights-demo" };
        thread.Start();
        return done.Task;
    }
}
