using System.Numerics;

namespace CohortDashboard.Data.Import;

/// <summary>
/// Finds repeated keys inside one file; the first occurrence wins and later ones are errors
/// ("Duplicate external_id 'O-1'; it first appears on row 2.").
/// <para>Three modes, so a file on disk is checked in memory that does not grow with its row count:</para>
/// <list type="bullet">
/// <item><see cref="Exact"/> remembers every key with its first line (single-pass readers over a <see cref="TextReader"/>).</item>
/// <item><see cref="Screening"/> reports nothing: it puts every key into a fixed-size <see cref="KeyFilter"/> and
/// remembers the keys the filter has maybe seen before (<see cref="Suspects"/>: every key that really repeats, plus rare
/// false positives). When a screening read ends with no suspect, no key repeats, so its report is exact.</item>
/// <item><see cref="Among"/> is exact for the suspect keys only; every other key of the same file occurs once. Re-reading
/// the file with it gives exactly the report and the valid rows of <see cref="Exact"/>.</item>
/// </list>
/// </summary>
internal sealed class DuplicateKeys
{
    private readonly Dictionary<string, int> _firstLineByKey = new(StringComparer.Ordinal);
    private readonly IReadOnlySet<string>? _only;
    private readonly KeyFilter? _filter;
    private readonly HashSet<string>? _suspects;

    private DuplicateKeys(IReadOnlySet<string>? only, KeyFilter? filter)
    {
        _only = only;
        _filter = filter;
        if (filter is not null) _suspects = new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>Remembers every key: memory grows with the file.</summary>
    public static DuplicateKeys Exact() => new(null, null);

    /// <summary>Reports nothing; collects the keys <paramref name="filter"/> has maybe seen before.</summary>
    public static DuplicateKeys Screening(KeyFilter filter) => new(null, filter);

    /// <summary>Exact for <paramref name="suspects"/> (from a screening read of the same file); other keys are unique.</summary>
    public static DuplicateKeys Among(IReadOnlySet<string> suspects) => new(suspects, null);

    /// <summary>The keys a screening read found maybe repeated (empty in the other modes).</summary>
    public IReadOnlySet<string> Suspects => (IReadOnlySet<string>?)_suspects ?? new HashSet<string>();

    /// <param name="shown">How the key reads in the message, e.g. <c>external_id 'O-1'</c>.</param>
    public void Check(RowFields row, string column, string key, string shown)
    {
        if (_filter is not null)
        {
            if (!_filter.Add(key)) _suspects!.Add(key);
            return;
        }
        if (_only is not null && !_only.Contains(key)) return;
        if (_firstLineByKey.TryAdd(key, row.Line)) return;
        row.Error(column, $"Duplicate {shown}; it first appears on row {_firstLineByKey[key]}.");
    }
}

/// <summary>
/// A Bloom filter of strings: a fixed bit array, <see cref="Hashes"/> bits per key by double hashing of two independent
/// 64-bit hashes of the key's chars. "Not seen" is certain; "maybe seen" is wrong with a small probability that rises
/// with the number of keys (about 1e-9 per key at 1M keys in the largest size, 2^27 bits = 16 MiB).
/// </summary>
internal sealed class KeyFilter
{
    /// <summary>The largest filter: 2^27 bits = 16 MiB.</summary>
    public const int MaxLog2Bits = 27;

    /// <summary>The smallest filter a file gets: 2^16 bits = 8 KiB.</summary>
    public const int MinLog2Bits = 16;

    /// <summary>Bits set per key.</summary>
    public const int Hashes = 7;

    private readonly ulong[] _words;
    private readonly ulong _mask;

    /// <param name="log2Bits">The filter has 2^<paramref name="log2Bits"/> bits (6..30); tests use tiny ones to force collisions.</param>
    public KeyFilter(int log2Bits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(log2Bits, 6);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(log2Bits, 30);
        _words = new ulong[1 << (log2Bits - 6)];
        _mask = (1UL << log2Bits) - 1;
    }

    /// <summary>Bits in the filter.</summary>
    public long BitCount => (long)_mask + 1;

    /// <summary>
    /// The filter size for a file of <paramref name="fileBytes"/>: at least 8 bits per byte of the file (a record takes
    /// several bytes, so dozens of bits per key), between 2^<see cref="MinLog2Bits"/> and 2^<see cref="MaxLog2Bits"/>.
    /// </summary>
    public static int Log2BitsFor(long fileBytes) =>
        Math.Clamp(64 - BitOperations.LeadingZeroCount((ulong)Math.Max(fileBytes, 1) - 1) + 3, MinLog2Bits, MaxLog2Bits);

    /// <summary>Adds <paramref name="key"/>; true when it was certainly not added before, false when it maybe was.</summary>
    public bool Add(string key)
    {
        var (h1, h2) = Hash(key);
        var added = false;
        for (var i = 0; i < Hashes; i++)
        {
            var bit = (h1 + (ulong)i * h2) & _mask;
            ref var word = ref _words[bit >> 6];
            var flag = 1UL << (int)(bit & 63);
            if ((word & flag) == 0)
            {
                word |= flag;
                added = true;
            }
        }
        return added;
    }

    /// <summary>True when <paramref name="key"/> was maybe added (false: certainly not).</summary>
    public bool MightContain(string key)
    {
        var (h1, h2) = Hash(key);
        for (var i = 0; i < Hashes; i++)
        {
            var bit = (h1 + (ulong)i * h2) & _mask;
            if ((_words[bit >> 6] & (1UL << (int)(bit & 63))) == 0) return false;
        }
        return true;
    }

    /// <summary>Two independent 64-bit hashes: FNV-1a and a multiply-rotate hash, each finished by splitmix64.</summary>
    internal static (ulong H1, ulong H2) Hash(string key)
    {
        var fnv = 14695981039346656037UL;
        var mr = 0x243F6A8885A308D3UL;
        foreach (var c in key)
        {
            fnv = (fnv ^ c) * 1099511628211UL;
            mr = BitOperations.RotateLeft((mr ^ c) * 0x9E3779B97F4A7C15UL, 31);
        }
        var length = (ulong)key.Length;
        // h2 odd: with a power-of-two bit count, every step of the double hashing then lands on a different bit.
        return (Mix(fnv ^ length), Mix(mr + length * 0xD6E8FEB86659FD93UL) | 1);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
