using BenchmarkDotNet.Running;
using Insights.Bench;

MemberStateSize.Print();
BenchmarkSwitcher.FromAssembly(typeof(MemberEventBenchmark).Assembly).Run(args);
