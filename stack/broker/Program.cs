using System.CommandLine;
using Insights.Broker.Commands;

var root = new RootCommand("insights-broker: librdkafka's mock Kafka cluster as a local broker process, with a trim check.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(CheckCommand.Create());
// SIGTERM/SIGINT cancel the run; allow time to destroy the cluster and remove the bootstrap file.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });
