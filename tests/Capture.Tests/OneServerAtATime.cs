namespace Insights.Capture.Tests;

/// <summary>
/// Test classes that each start a MariaDB of their own for one concern run one after another (beside the other
/// classes): on a small shared machine a dozen servers initialising at once exceed the stack's start-up timeout.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OneServerAtATime
{
    public const string Name = "one MariaDB at a time";
}
