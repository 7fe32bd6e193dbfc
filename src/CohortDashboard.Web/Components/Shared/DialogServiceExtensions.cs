using MudBlazor;

namespace CohortDashboard.Web.Components.Shared;

public static class DialogServiceExtensions
{
    /// <summary>Asks <paramref name="message"/> in a <see cref="ConfirmDialog"/>; true only when the user pressed <paramref name="yesText"/>.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string message, string yesText, bool destructive = false)
    {
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(title, new DialogParameters
        {
            [nameof(ConfirmDialog.Title)] = title,
            [nameof(ConfirmDialog.Message)] = message,
            [nameof(ConfirmDialog.YesText)] = yesText,
            [nameof(ConfirmDialog.Destructive)] = destructive,
        }, new DialogOptions { MaxWidth = MaxWidth.ExtraSmall, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        return result is { Canceled: false };
    }
}
