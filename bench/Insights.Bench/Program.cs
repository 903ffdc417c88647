using BenchmarkDotNet.Running;
using Insights.Bench;

if (args is ["--sink-shapes"])
{
    await Insights.Bench.Sinks.ScoreShapeSize.PrintAsync();
    return;
}
MemberStateSize.Print();
BenchmarkSwitcher.FromAssembly(typeof(MemberEventBenchmark).Assembly).Run(args);
