using Confluent.Kafka;

namespace Insights.Host;

/// <summary>A failure the user can act on: printed as one line, without a stack trace; the program exits 1.</summary>
public sealed class CommandLineError(string message) : Exception(message);

/// <summary>Turns the failures a user can fix (bad input, a server not answering) into one line; bugs keep their stack trace.</summary>
public static class UserFacingError
{
    public static string? Describe(Exception e) => e switch
    {
        CommandLineError => e.Message,
        KafkaException k => $"Kafka: {k.Error.Reason}",
        HttpRequestException h => $"HTTP: {h.Message}",
        OperationCanceledException => "cancelled",
        _ => null,
    };
}
