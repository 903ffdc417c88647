using Insights.DevTool;
using Insights.Host;

return await CommandLineProgram.RunAsync("insights", DevToolCommands.Root(), args);
