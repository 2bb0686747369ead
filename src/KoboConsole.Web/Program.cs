using KoboConsole.Web.Components;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();

var app = builder.Build();

app.UseAntiforgery();
app.MapStaticAssets();
app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

/// <summary>Entry point, public so test hosts (WebApplicationFactory) can reference it.</summary>
public partial class Program;
