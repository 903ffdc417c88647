using Insights.Host;

return await CommandLineProgram.RunAsync("insights", InsightsCommands.Root(), args);
