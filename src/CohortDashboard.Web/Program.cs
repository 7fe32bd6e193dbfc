using CohortDashboard.Data;
using CohortDashboard.Web.Components;
using CohortDashboard.Web.Components.Charts;
using CohortDashboard.Web.Features.AccountCohorts;
using CohortDashboard.Web.Features.ApiKeys;
using CohortDashboard.Web.Features.Audit;
using CohortDashboard.Web.Features.Auth;
using CohortDashboard.Web.Features.Cohorts;
using CohortDashboard.Web.Features.Expansion;
using CohortDashboard.Web.Features.Import;
using CohortDashboard.Web.Features.Instances;
using CohortDashboard.Web.Features.Overview;
using CohortDashboard.Web.Features.Platform;
using CohortDashboard.Web.Features.Security;
using CohortDashboard.Web.Features.Settings;
using CohortDashboard.Web.Features.Setup;
using CohortDashboard.Web.Features.Theme;

if (await CommandLine.TryRunAsync(args)) return;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddCohortDatabase(builder.Configuration);
builder.Services.AddPlatform();
builder.Services.AddInstances(builder.Configuration);
builder.Services.AddSecurity(builder.Configuration);
builder.Services.AddCohortAuth(builder.Configuration, builder.Environment);
builder.Services.AddApiKeys();
builder.Services.AddAuditLog();
builder.Services.AddTheme();
builder.Services.AddCharts();
builder.Services.AddOverview();
builder.Services.AddCohorts(builder.Configuration);
builder.Services.AddExpansion();
builder.Services.AddAccountCohorts();
builder.Services.AddImport();
builder.Services.AddSettings();
builder.Services.AddSetup();
builder.Services.AddRazorComponents().AddInteractiveServerComponents()
    .AddHubOptions(o => o.MaximumReceiveMessageSize = 10 * 1024 * 1024); // Plotly.Blazor's image export answers through the hub

var app = builder.Build();

await app.PrepareDatabaseAsync();

app.UseSecurity();
app.UsePlatform();
app.UseCohortAuth();
app.UseQueryLimits();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapPlatform();
app.MapCohortAuth();
app.MapApiKeys();
app.MapAuditLog();
app.MapCohorts();
app.MapExpansion();
app.MapAccountCohorts();
app.MapImport();
app.MapSettings();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

/// <summary>Entry point type, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
