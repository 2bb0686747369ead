namespace KoboConsole.Web.Infrastructure.Http;

/// <summary>
/// ASP.NET Core looks for <c>wwwroot</c> under the content root, which is the working directory. A
/// published console started as <c>dotnet /opt/koboconsole/KoboConsole.Web.dll</c> from another
/// directory found none: no styles, no scripts and "the maintenance page template is missing". When
/// neither the content root nor the web root is set (<c>--contentRoot</c>, <c>--webroot</c>,
/// <c>ASPNETCORE_CONTENTROOT</c>, <c>ASPNETCORE_WEBROOT</c>, <c>DOTNET_</c> likewise) and the
/// working directory has no <c>wwwroot</c> while the application's own directory has one, that one
/// is the web root. The content root stays where it was, and with it the data directory
/// (<c>.data</c> under it): moving it would hide an existing console's data.
/// </summary>
public static class WebRoot
{
    public static string? Choose(string[] args, string workingDirectory, string appDirectory, Func<string, string?> environment)
    {
        string[] keys = ["contentRoot", "webroot"];
        var explicitlySet = args.Any(a => keys.Any(k => a.StartsWith("--" + k, StringComparison.OrdinalIgnoreCase) || a.StartsWith("/" + k, StringComparison.OrdinalIgnoreCase)))
            || keys.Any(k => !string.IsNullOrEmpty(environment("ASPNETCORE_" + k.ToUpperInvariant())) || !string.IsNullOrEmpty(environment("DOTNET_" + k.ToUpperInvariant())));
        var own = Path.Combine(appDirectory, "wwwroot");
        if (explicitlySet || Directory.Exists(Path.Combine(workingDirectory, "wwwroot")) || !Directory.Exists(own))
        {
            return null;
        }

        return own;
    }

    /// <summary>
    /// A build output (<c>dotnet bin/Debug/net10.0/KoboConsole.Web.dll</c>) has no copies of the
    /// static files, only a manifest saying where they are (the project's wwwroot, MudBlazor's
    /// package): ASP.NET Core reads it in Development only, so in any other environment every
    /// stylesheet and script answered 500. The manifest exists beside the dll only in a build
    /// output (a publish output has the files themselves), so read it whenever it is there.
    /// </summary>
    public static void UseBuildOutputAssets(WebApplicationBuilder builder)
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, builder.Environment.ApplicationName + ".staticwebassets.runtime.json");
        if (!builder.Environment.IsDevelopment() && File.Exists(manifest))
        {
            builder.WebHost.UseStaticWebAssets();
        }
    }
}
