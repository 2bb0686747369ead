using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace KoboConsole.Tests;

/// <summary>
/// A bUnit context set up for MudBlazor components (loose JS interop, MudBlazor's services),
/// held in a property and disposed asynchronously: MudBlazor has services that only dispose
/// asynchronously, which a test class inheriting BunitContext under xunit 2 cannot do.
/// </summary>
public abstract class MudComponentTest : IAsyncLifetime
{
    protected MudComponentTest()
    {
        Ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        Ctx.Services.AddMudServices();
    }

    protected BunitContext Ctx { get; } = new();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync() => await Ctx.DisposeAsync();
}
