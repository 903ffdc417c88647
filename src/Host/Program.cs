using Insights.Host;

return await InsightsCommands.Root().Parse(args).InvokeAsync();
