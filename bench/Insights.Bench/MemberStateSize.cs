using Insights.Propensity.Members;

namespace Insights.Bench;

/// <summary>Bytes of encoded member state for members of typical history lengths (printed before the benchmarks).</summary>
public static class MemberStateSize
{
    public static void Print()
    {
        Console.WriteLine("member state size (MemberStateCodec v1, 19 genres):");
        foreach (var events in new[] { 20, 106, 500 })
        {
            var world = new SyntheticWorld(members: 50, eventsPerMember: events);
            var sizes = world.MemberStates.Select(m => MemberStateCodec.Encode(m).Length).ToArray();
            Console.WriteLine($"  {events,4} attendances: {sizes.Average(),7:F0} bytes on average ({sizes.Average() / events:F1} per attendance)");
        }
    }
}
