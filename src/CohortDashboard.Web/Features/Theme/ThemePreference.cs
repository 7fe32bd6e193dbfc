using System.Security.Cryptography;
using System.Text;
using CohortDashboard.Web.Features.Auth;
using Microsoft.JSInterop;
using Radzen;

namespace CohortDashboard.Web.Features.Theme;

/// <summary>
/// Remembers each user's light/dark choice in a cookie named after the user, so the server renders the right theme
/// on the first byte (no flash) and two people sharing a browser keep their own choice.
/// </summary>
public sealed class ThemePreference(IJSRuntime js)
{
    public const string Light = "material";
    public const string Dark = "material-dark";
    private const string CookiePrefix = "cd-theme.";

    /// <summary>Whether this circuit shows the dark theme (charts colour themselves from it; see <see cref="Show"/>).</summary>
    public bool IsDark { get; private set; }

    /// <summary>Raised when <see cref="IsDark"/> changes.</summary>
    public event Action? Changed;

    /// <summary>Records the theme the page now shows (the layout calls it at start and on every switch).</summary>
    public void Show(string? theme)
    {
        var dark = IsDarkName(theme);
        if (dark == IsDark) return;
        IsDark = dark;
        Changed?.Invoke();
    }

    private static bool IsDarkName(string? theme) => theme is not null && (theme.EndsWith("-dark", StringComparison.Ordinal) || theme == "dark");

    public string Read(HttpContext context)
    {
        var user = CurrentUser.From(context.User);
        if (user is null) return Light;
        return context.Request.Cookies[CookieName(user)] == Dark ? Dark : Light;
    }

    public async Task RememberAsync(CurrentUser? user, string? theme)
    {
        if (user is null || theme is null) return;
        var value = IsDarkName(theme) ? Dark : Light;
        await using var module = await js.InvokeAsync<IJSObjectReference>("import", "./js/site.js");
        await module.InvokeVoidAsync("setCookie", CookieName(user), value, 365);
    }

    public static string CookieName(CurrentUser user) =>
        CookiePrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{user.OrgId}:{user.Subject}")))[..16];
}

public static class ThemeExtensions
{
    public static IServiceCollection AddTheme(this IServiceCollection services)
    {
        services.AddRadzenComponents();
        services.AddScoped<ThemePreference>();
        return services;
    }
}
