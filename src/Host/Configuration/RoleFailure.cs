using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Insights.Host.Configuration;

/// <summary>
/// How a long-running role ends when one of its services fails (a server missing at start-up, a fatal error later):
/// the Generic Host only logs the exception, with its stack trace, and exits 0. Here the failure is rethrown after
/// the host stopped, so the program prints it as one line (UserFacingError) and exits non-zero.
/// </summary>
public static class RoleFailure
{
    /// <summary>The host's own "BackgroundService failed" entry carries the stack trace; the program reports the failure instead.</summary>
    public static ILoggingBuilder ReportedByProgram(this ILoggingBuilder logging) =>
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => level is >= LogLevel.Information and < LogLevel.Error);

    /// <summary>Runs the host until it stops; then rethrows the first failure of a background service.</summary>
    public static async Task RunRoleAsync(this IHost host, CancellationToken ct)
    {
        // Resolved before the run: RunAsync disposes the host and its service provider.
        var services = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        await host.RunAsync(ct);
        // Several services may fail for one cause (two Kafka readers, one broker down): the first says it.
        if (services.Select(s => s.ExecuteTask).FirstOrDefault(t => t is { IsFaulted: true }) is { Exception: { } failure })
            ExceptionDispatchInfo.Throw(failure.Flatten().InnerExceptions[0]);
    }
}
