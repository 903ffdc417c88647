namespace Insights.Broker;

/// <summary>Exit codes scripts can tell apart.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>`check` found a trimmed partition, a missing topic or a wrong partition count.</summary>
    public const int Unhealthy = 1;
    public const int BadInput = 2;
    public const int PortTaken = 3;
    public const int BrokerUnreachable = 4;
    /// <summary>The native library or the mock cluster failed (missing export, topic creation, first read).</summary>
    public const int StartFailed = 5;
}
