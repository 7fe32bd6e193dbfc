using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace CohortDashboard.Web.Components.Shared;

/// <summary>Results of long actions as snackbars, one shape everywhere: a bold summary, then the detail.</summary>
public static class SnackbarResults
{
    public static void Result(this ISnackbar snackbar, Severity severity, string summary, string detail) =>
        snackbar.Add(Message(summary, detail), severity, options => options.VisibleStateDuration = 8000);

    private static RenderFragment Message(string summary, string detail) => builder =>
    {
        builder.OpenElement(0, "span");
        builder.AddAttribute(1, "data-testid", "toast");
        builder.OpenElement(2, "strong");
        builder.AddContent(3, summary);
        builder.CloseElement();
        builder.AddContent(4, " · " + detail);
        builder.CloseElement();
    };
}
