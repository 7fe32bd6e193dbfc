using System.Security.Cryptography;
using System.Text;
using CohortDashboard.Web.Features.Auth;
using Microsoft.JSInterop;
using MudBlazor;
using MudBlazor.Services;

namespace CohortDashboard.Web.Features.Theme;

/// <summary>
/// Remembers each user's light/dark choice in a cookie named after the user, so the server renders the right theme
/// on the first byte (no flash) and two people sharing a browser keep their own choice.
/// </summary>
public sealed class ThemePreference(IJSRuntime js)
{
    public const string Light = "light";
    public const string Dark = "dark";
    private const string CookiePrefix = "cd-theme.";

    /// <summary>Whether the signed-in user of this request chose dark mode.</summary>
    public bool IsDark(HttpContext context)
    {
        var user = CurrentUser.From(context.User);
        // "material-dark" is what the cookie held before the move to MudBlazor; a saved choice survives the upgrade.
        return user is not null && context.Request.Cookies[CookieName(user)] is Dark or "material-dark";
    }

    /// <summary>Stores the choice in the user's cookie, read by <see cref="IsDark"/> on the next full page load.</summary>
    public async Task RememberAsync(CurrentUser? user, bool dark)
    {
        if (user is null) return;
        await using var module = await js.InvokeAsync<IJSObjectReference>("import", "./js/site.js");
        await module.InvokeVoidAsync("setCookie", CookieName(user), dark ? Dark : Light, 365);
    }

    public static string CookieName(CurrentUser user) =>
        CookiePrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{user.OrgId}:{user.Subject}")))[..16];
}

/// <summary>The circuit's current light/dark mode; the layout re-renders its theme provider when it changes.</summary>
public sealed class ThemeState
{
    public bool IsDark { get; private set; }
    public event Action? Changed;

    public void Set(bool dark)
    {
        if (IsDark == dark) return;
        IsDark = dark;
        Changed?.Invoke();
    }
}

/// <summary>The one theme of the app: MudBlazor's palettes tuned so text reaches WCAG AA on every surface.</summary>
public static class CohortTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1565c0",
            Secondary = "#6a1b9a",
            Info = "#0b6bb8",
            Success = "#2e7d32",
            Warning = "#a15c00",
            Error = "#c62828",
            AppbarBackground = "#0d47a1",
            AppbarText = "#ffffff",
            Background = "#f6f8fb",
            Surface = "#ffffff",
            DrawerBackground = "#ffffff",
            DrawerText = "#1f2933",
            TextPrimary = "#1f2933",
            TextSecondary = "#4a5563",
            ActionDefault = "#4a5563",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#90caf9",
            PrimaryContrastText = "#0b1a2a",
            Secondary = "#ce93d8",
            SecondaryContrastText = "#1d0b22",
            InfoContrastText = "#0b1a2a",
            SuccessContrastText = "#0b1f0c",
            WarningContrastText = "#2a1800",
            ErrorContrastText = "#2a0b0b",
            Info = "#81d4fa",
            Success = "#81c784",
            Warning = "#ffb74d",
            Error = "#ef9a9a",
            AppbarBackground = "#1a2230",
            AppbarText = "#e8edf3",
            Background = "#11161d",
            Surface = "#1b222c",
            DrawerBackground = "#161c25",
            DrawerText = "#e8edf3",
            TextPrimary = "#e8edf3",
            TextSecondary = "#b4bfcc",
            ActionDefault = "#c4ceda",
            LinesDefault = "#3a4656",
            TableLines = "#3a4656",
            BackgroundGray = "#222a35",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"] },
        },
    };
}

public static class ThemeExtensions
{
    public static IServiceCollection AddTheme(this IServiceCollection services)
    {
        services.AddMudServices();
        services.AddScoped<ThemePreference>();
        services.AddScoped<ThemeState>();
        return services;
    }
}
