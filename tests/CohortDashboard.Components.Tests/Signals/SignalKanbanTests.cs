using CohortDashboard.Testing;
using AngleSharp.Dom;
using CohortDashboard.Data.Demo;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Expansion;
using CohortDashboard.Web.Features.Signals;
using Microsoft.Extensions.DependencyInjection;

namespace CohortDashboard.Components.Tests.Signals;

/// <summary>The Signals board over the real expansion services, with signals generated for the demo org.</summary>
public sealed class SignalKanbanTests : ComponentTest, IClassFixture<SignalKanbanTests.SignalsApp>
{
    /// <summary>The seeded app with the affinity matrix computed and signals generated once for Northwind.</summary>
    public sealed class SignalsApp : IAsyncLifetime
    {
        public SeededApp App { get; } = new();

        public async ValueTask InitializeAsync()
        {
            await App.InitializeAsync();
            await using var scope = OrgScopeIn(App.Factory.Services, DemoDataGenerator.NorthwindOrgId);
            var expansion = scope.ServiceProvider.GetRequiredService<ExpansionService>();
            var admin = new Actor("bunit-admin", Roles.Admin, null, false);
            await expansion.RecomputeAffinityAsync(admin, CancellationToken.None);
            await expansion.GenerateSignalsAsync(admin, CancellationToken.None);
        }

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private readonly SignalsApp signals;

    public SignalKanbanTests(SignalsApp signals)
    {
        this.signals = signals;
        UseApp(signals.App.Factory.Services, DemoDataGenerator.NorthwindOrgId);
    }

    private IRenderedComponent<SignalKanban> RenderBoard()
    {
        var board = Render<SignalKanban>();
        board.WaitForElement("[data-testid='column-pending'] [data-testid='signal-card']", TimeSpan.FromSeconds(20));
        return board;
    }

    private static IElement FirstPending(IRenderedComponent<SignalKanban> board) =>
        board.Find("[data-testid='column-pending'] [data-testid='signal-card']");

    private async Task<string> StatusAsync(long id)
    {
        await using var scope = OrgScopeIn(signals.App.Factory.Services, DemoDataGenerator.NorthwindOrgId);
        return (await scope.ServiceProvider.GetRequiredService<ExpansionService>().GetSignalAsync(id, CancellationToken.None))!.Status;
    }

    [Fact]
    public void Card_AsAdmin_ShowsAccountProductArrPriorityChipAndScore()
    {
        SignInAs(Roles.Admin);
        var card = FirstPending(RenderBoard());

        Assert.False(string.IsNullOrWhiteSpace(card.QuerySelector(".cd-card-account")!.TextContent));
        Assert.False(string.IsNullOrWhiteSpace(card.QuerySelector(".cd-target")!.TextContent));
        Assert.Matches(@"^P[1-5]$", card.QuerySelector("[data-testid='priority-chip']")!.TextContent.Trim());
        Assert.Matches(@"ARR \$", card.QuerySelector(".cd-card-meta")!.TextContent);
        Assert.Matches(@"^0\.\d\d$|^1\.00$", card.QuerySelector(".cd-score > span")!.TextContent.Trim());
        Assert.Equal("false", card.GetAttribute("data-locked"));
    }

    [Fact]
    public async Task MoveMenu_MoveToWon_OffersTheOtherColumnsMovesTheCardAndSavesIt()
    {
        SignInAs(Roles.Admin);
        var board = RenderBoard();
        var card = FirstPending(board);
        var id = long.Parse(card.GetAttribute("data-signal-id")!, System.Globalization.CultureInfo.InvariantCulture);

        card.QuerySelector("[data-testid='move-menu-button']")!.Click();
        var menu = board.Find($"[data-signal-id='{id}'] [data-testid='move-menu']");
        Assert.Equal(["move-to-pitched", "move-to-won", "move-to-dismissed"],
            menu.QuerySelectorAll("[role='menuitem']").Select(i => i.GetAttribute("data-testid")));
        board.Find($"[data-signal-id='{id}'] [data-testid='move-to-won']").Click();

        board.WaitForElement($"[data-testid='column-won'] [data-testid='signal-card'][data-signal-id='{id}']");
        Assert.Empty(board.FindAll($"[data-testid='column-pending'] [data-signal-id='{id}']"));
        Assert.Equal("won", await StatusAsync(id));
    }

    [Fact]
    public void Board_AsAnalyst_ReadOnlyWithoutMoveMenus()
    {
        SignInAs(Roles.Analyst);
        var board = RenderBoard();

        Assert.NotNull(board.Find("[data-testid='board-read-only']"));
        Assert.Empty(board.FindAll("[data-testid='move-menu-button']"));
        Assert.Equal("true", FirstPending(board).GetAttribute("data-locked"));
        Assert.Empty(board.FindAll("[data-testid='generate-signals']"));
    }
}
