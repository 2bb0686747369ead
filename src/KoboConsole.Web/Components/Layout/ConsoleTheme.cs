using MudBlazor;

namespace KoboConsole.Web.Components.Layout;

/// <summary>KoboToolbox's teal as primary, in light and dark palettes.</summary>
public static class ConsoleTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f7a8c",
            Secondary = "#5c6bc0",
            AppbarBackground = "#1f7a8c",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#4fb3c6",
            Secondary = "#9fa8da",
        },
    };
}
