using Insights.Contracts;
using Insights.Host.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Insights.Host.Observability;

/// <summary>
/// The console log every role writes: one line per entry by default, or one JSON object per entry with
/// Logging:Format=json (for log collectors). Values are logged as structured fields; no role logs settings
/// objects or connection strings (secrets stay out, see tests/Host.Tests/Cli/SecretLeakTests).
/// </summary>
public static class ConsoleLogFormat
{
    public const string Key = "Logging:Format";

    public static ILoggingBuilder AddInsightsConsole(this ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.ClearProviders();
        switch (configuration[Key]?.Trim().ToLowerInvariant())
        {
            case null or "" or "simple":
                logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
                break;
            case "json":
                logging.AddJsonConsole(o => { o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; o.UseUtcTimestamp = true; o.IncludeScopes = false; });
                break;
            case var other:
                throw new CommandLineError($"configuration: {Key} must be simple or json, got '{other}'");
        }
        return logging.ReportedByProgram();
    }
}
