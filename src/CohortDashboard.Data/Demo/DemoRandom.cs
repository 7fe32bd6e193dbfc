namespace CohortDashboard.Data.Demo;

/// <summary>
/// xoshiro256** seeded through SplitMix64: our own PRNG so demo data stays identical across .NET versions (the
/// algorithm behind a seeded <see cref="Random"/> is not a compatibility promise). Only IEEE-exact arithmetic
/// (+, −, ×, ÷) is used on its doubles, so results do not depend on the platform's math library either.
/// </summary>
internal sealed class DemoRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public DemoRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>An independent stream for one purpose (e.g. org 1, account 17, orders), so streams never shift each other.</summary>
    public static DemoRandom For(ulong seed, long a, long b = 0, long c = 0)
    {
        var x = seed;
        var h = SplitMix(ref x);
        h ^= (ulong)a * 0x9E3779B97F4A7C15UL; x = h; h = SplitMix(ref x);
        h ^= (ulong)b * 0xC2B2AE3D27D4EB4FUL; x = h; h = SplitMix(ref x);
        h ^= (ulong)c * 0x165667B19E3779F9UL; x = h; h = SplitMix(ref x);
        return new DemoRandom(h);
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public int Next(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive));
        return (int)(((NextUInt64() >> 32) * (ulong)maxExclusive) >> 32);
    }

    /// <summary>Uniform integer in [minInclusive, maxExclusive).</summary>
    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    public double Between(double min, double max) => min + (max - min) * NextDouble();

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>Roughly standard normal (Irwin–Hall of four uniforms, rescaled): mean 0, sd 1, within ±3.46.</summary>
    public double Gaussianish() =>
        (NextDouble() + NextDouble() + NextDouble() + NextDouble() - 2.0) * 1.7320508075688772;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public T Weighted<T>(IReadOnlyList<(T Item, double Weight)> items)
    {
        var total = 0.0;
        foreach (var (_, weight) in items) total += weight;
        var target = NextDouble() * total;
        foreach (var (item, weight) in items)
        {
            if (target < weight) return item;
            target -= weight;
        }
        return items[^1].Item;
    }
}
