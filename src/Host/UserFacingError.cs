using System.CommandLine;
using System.Net.Sockets;
using Amazon.Runtime;
using Confluent.Kafka;
using Insights.Contracts;
using Insights.Contracts.Configuration;
using Insights.Host.Configuration;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Kafka;
using Microsoft.Extensions.Configuration;
using MySqlConnector;

namespace Insights.Host;

/// <summary>
/// Turns the failures a user can fix (bad input, a server not answering) into one line naming the part and, where
/// the configuration says, its address; bugs keep their stack trace. Lines never echo configuration values that may
/// hold secrets: of a connection string only the server and port are shown.
/// </summary>
public static class UserFacingError
{
    public static string? Describe(Exception e) => FirstLine(e switch
    {
        CommandLineError => e.Message,
        KafkaException k => $"Kafka{Address("Kafka:BootstrapServers")}: {k.Error.Reason}",
        MySqlException m => $"MariaDB{MariaDbAddress()}: {m.Message}",
        ElasticsearchRequestException => e.Message,
        // The sink stopping on a record with Sink:ErrorsTolerance=none: the message names the record and the setting.
        ErrorToleranceExceededException => e.Message,
        AmazonServiceException s => $"S3: {s.Message}",
        AmazonClientException c => $"S3: {c.Message}",
        HttpRequestException h => $"HTTP: {h.Message}",
        SocketException s => $"network: {s.Message}",
        OperationCanceledException => "cancelled",
        _ => null,
    });

    /// <summary>The parse errors, and where the usage of the command that failed is explained.</summary>
    public static string Describe(ParseResult parse)
    {
        var path = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            path.Insert(0, result.Command.Name);
        path[0] = "insights";
        // All errors on the one line: the first alone may be "Required command was not provided" while the user's typo comes second.
        return $"{string.Join(' ', parse.Errors.Select(e => e.Message).Distinct())} See '{string.Join(' ', path)} --help'.";
    }

    // Some client messages run over several lines (the AWS credential chain lists every provider it tried).
    private static string? FirstLine(string? text) => text?.Split('\n', 2)[0].TrimEnd();

    private static string Address(string key) => Configured(key) is { Length: > 0 } value ? $" at {value}" : "";

    private static string MariaDbAddress()
    {
        try
        {
            var builder = new MySqlConnectionStringBuilder(Configured($"{MariaDbSettings.Section}:{nameof(MariaDbSettings.ConnectionString)}") ?? "");
            return string.IsNullOrEmpty(builder.Server) ? "" : $" at {builder.Server}:{builder.Port}";
        }
        catch (ArgumentException) { return ""; }
    }

    private static string? Configured(string key)
    {
        try { return new ConfigurationBuilder().AddInsightsSources().Build()[key]; }
        catch (Exception e) when (e is CommandLineError or IOException or FormatException or InvalidDataException) { return null; }
    }
}
