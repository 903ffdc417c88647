using System.Buffers.Binary;
using System.IO.Hashing;

namespace Insights.DevTool.Demo;

/// <summary>
/// Deterministic pseudo-random choices keyed by what they are about (a purpose and ids), hashed with a
/// fixed seed. Keying instead of drawing from one sequence keeps every choice independent of the order
/// in which the plan is built, so two runs (and seed and replay) agree on every value.
/// </summary>
public sealed class DemoChoices(ulong seed = DemoChoices.DefaultSeed)
{
    public const ulong DefaultSeed = 0x1D5_C1E_4A;

    /// <summary>A uniform value in [0, 1) for this purpose and key.</summary>
    public double Unit(Purpose purpose, long a, long b = 0, long c = 0) => (Hash(purpose, a, b, c) >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, count).</summary>
    public int Below(int count, Purpose purpose, long a, long b = 0, long c = 0) => (int)(Unit(purpose, a, b, c) * count);

    /// <summary>Picks an item with probability proportional to its weight.</summary>
    public T Weighted<T>(IReadOnlyList<(T Item, double Weight)> options, Purpose purpose, long a, long b = 0, long c = 0)
    {
        var target = Unit(purpose, a, b, c) * options.Sum(o => o.Weight);
        foreach (var (item, weight) in options)
        {
            if (target < weight) return item;
            target -= weight;
        }
        return options[^1].Item;
    }

    private ulong Hash(Purpose purpose, long a, long b, long c)
    {
        Span<byte> key = stackalloc byte[28];
        BinaryPrimitives.WriteInt32LittleEndian(key, (int)purpose);
        BinaryPrimitives.WriteInt64LittleEndian(key[4..], a);
        BinaryPrimitives.WriteInt64LittleEndian(key[12..], b);
        BinaryPrimitives.WriteInt64LittleEndian(key[20..], c);
        return XxHash64.HashToUInt64(key, (long)seed);
    }

    /// <summary>What a choice decides; part of the key, so different decisions about one id are independent.</summary>
    public enum Purpose
    {
        Millisecond = 1,
        HomeCinema,
        SessionStart,
        SessionFormat,
        Quantity,
        Certificate,
        Runtime,
        MembershipAge,
    }
}
