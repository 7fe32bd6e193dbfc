using System.Globalization;
using CohortDashboard.Data.Model;
using CohortDashboard.Web.Features.Expansion;
using Microsoft.AspNetCore.WebUtilities;

namespace CohortDashboard.Web.Features.Signals;

/// <summary>
/// The board's filters as they stand in the URL (<c>/signals?priority=1&amp;product=4&amp;segment=SMB&amp;mine=1&amp;q=acme&amp;account=12</c>),
/// so a view can be bookmarked and shared. Unknown or out-of-range values are dropped, never an error.
/// </summary>
public sealed record SignalBoardQuery(int? Priority, long? ProductId, string? Segment, bool? Mine, string? Search, long? AccountId)
{
    public const int MaxSearchLength = 100;

    public static SignalBoardQuery Empty { get; } = new(null, null, null, null, null, null);

    public static SignalBoardQuery Parse(string? queryString)
    {
        var q = QueryHelpers.ParseQuery(queryString);
        string? One(string key) => q.TryGetValue(key, out var v) && v.Count > 0 ? v[^1] : null;
        int? priority = int.TryParse(One("priority"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 5 ? p : null;
        long? product = long.TryParse(One("product"), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
        long? account = long.TryParse(One("account"), NumberStyles.None, CultureInfo.InvariantCulture, out var a) && a > 0 ? a : null;
        var segment = EnumNames.TryParseSegment(One("segment"), out var s) ? s.ToWire() : null;
        bool? mine = One("mine") switch { "1" => true, "0" => false, _ => null };
        var search = One("q")?.Trim();
        if (string.IsNullOrEmpty(search)) search = null;
        else if (search.Length > MaxSearchLength) search = search[..MaxSearchLength];
        return new SignalBoardQuery(priority, product, segment, mine, search, account);
    }

    /// <summary>The query string without "?"; empty when no filter is set.</summary>
    public string ToQueryString()
    {
        var parts = new List<KeyValuePair<string, string?>>();
        void Add(string key, string? value)
        {
            if (value is not null) parts.Add(new(key, value));
        }
        Add("priority", Priority?.ToString(CultureInfo.InvariantCulture));
        Add("product", ProductId?.ToString(CultureInfo.InvariantCulture));
        Add("segment", Segment);
        Add("mine", Mine is { } m ? (m ? "1" : "0") : null);
        Add("q", Search);
        Add("account", AccountId?.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "" : QueryString.Create(parts).ToUriComponent().TrimStart('?');
    }

    /// <summary>The service filter; "mine" (default on for account managers) narrows to <paramref name="ownerId"/>.</summary>
    public SignalFilter ToFilter(string? ownerId, bool mineByDefault) => new()
    {
        AccountId = AccountId,
        Priority = Priority,
        ProductId = ProductId,
        Segment = Segment is not null && EnumNames.TryParseSegment(Segment, out var parsed) ? parsed : null,
        OwnerId = (Mine ?? mineByDefault) ? ownerId : null,
        AccountSearch = Search,
    };
}
