using Bunit;
using KoboConsole.Web.Components.Shared;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace KoboConsole.Tests.Components;

public sealed class ToastPolicyTests : MudComponentTest
{
    [Fact]
    public void ToastPolicy_SuccessAfterErrors_ClearsTheErrorsAndWarnings()
    {
        Ctx.Render<ToastPolicy>();
        var snackbar = Ctx.Services.GetRequiredService<ISnackbar>();
        snackbar.Add("Could not reach the host.", Severity.Error);
        snackbar.Add("Pick a store first.", Severity.Warning);
        snackbar.Add("Loading…", Severity.Info);

        snackbar.Add("Maintenance is off.", Severity.Success);

        Assert.Equal(["Loading…", "Maintenance is off."], snackbar.ShownSnackbars.Select(s => s.Message).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ToastPolicy_ErrorAfterSuccess_KeepsBoth()
    {
        Ctx.Render<ToastPolicy>();
        var snackbar = Ctx.Services.GetRequiredService<ISnackbar>();
        snackbar.Add("Token created.", Severity.Success);

        snackbar.Add("The copy failed.", Severity.Error);

        Assert.Equal(2, snackbar.ShownSnackbars.Count());
    }
}
