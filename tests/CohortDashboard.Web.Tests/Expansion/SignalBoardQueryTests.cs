using CohortDashboard.Data.Model;
using CohortDashboard.Web.Features.Signals;

namespace CohortDashboard.Web.Tests.Expansion;

/// <summary>The board's filters in the URL: what a bookmarked or hand-edited link turns into.</summary>
public sealed class SignalBoardQueryTests
{
    [Fact]
    public void Parse_EveryFilter_RoundTripsThroughTheQueryString()
    {
        var query = SignalBoardQuery.Parse("?priority=2&product=4&segment=mid-market&mine=0&q=%20Acme%20%26%20Co%20&account=12");

        Assert.Equal(new SignalBoardQuery(2, 4, "Mid-Market", false, "Acme & Co", 12), query);
        Assert.Equal(query, SignalBoardQuery.Parse("?" + query.ToQueryString()));
        Assert.Equal("", SignalBoardQuery.Empty.ToQueryString());
    }

    [Theory]
    [InlineData("?priority=6&product=-1&segment=Whales&mine=yes&account=abc&q=%20%20")]
    [InlineData("?priority=1e3&product=99999999999999999999999")]
    public void Parse_OutOfRangeOrUnknownValues_Dropped(string queryString)
    {
        Assert.Equal(SignalBoardQuery.Empty, SignalBoardQuery.Parse(queryString));
    }

    [Fact]
    public void Parse_LongSearch_CutToTheLimit()
    {
        Assert.Equal(SignalBoardQuery.MaxSearchLength, SignalBoardQuery.Parse("?q=" + new string('a', 5000)).Search!.Length);
    }

    [Fact]
    public void ToFilter_MineDefaultsOnForAccountManagers_AndAnExplicitChoiceWins()
    {
        var none = SignalBoardQuery.Empty;

        Assert.Equal("rep-01", none.ToFilter("rep-01", mineByDefault: true).OwnerId);
        Assert.Null((none with { Mine = false }).ToFilter("rep-01", mineByDefault: true).OwnerId);
        Assert.Null(none.ToFilter(null, mineByDefault: false).OwnerId);
        var filter = new SignalBoardQuery(1, 4, "SMB", null, "acme", 9).ToFilter(null, false);
        Assert.Equal((1, 4L, Segment.Smb, "acme", 9L), (filter.Priority, filter.ProductId, filter.Segment, filter.AccountSearch, filter.AccountId));
    }
}
