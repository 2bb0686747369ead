using System.Diagnostics;
using System.Text.RegularExpressions;
using KoboConsole.IntegrationTests.Configuration;
using KoboConsole.Testing;
using ConsoleProcess = KoboConsole.IntegrationTests.Configuration.ConsoleProcess;

namespace KoboConsole.IntegrationTests.Web;

/// <summary>The top-level wwwroot/ is served both by `dotnet run` (development) and from `dotnet publish` output.</summary>
public sealed partial class StaticFilesTests
{
    private static readonly string RepoRoot = FindRepoRoot();

    [Fact]
    public async Task DevelopmentRun_ServesTopLevelWwwroot()
    {
        await using var app = new ConsoleAppFactory();
        using var client = app.CreateBrowserLikeClient();

        var css = await client.GetStringAsync(new Uri("/css/console.css", UriKind.Relative));

        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(RepoRoot, "wwwroot/css/console.css")), css);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BuildOutput_InProduction_ServesAppAndMudBlazorFiles(bool fromProjectDirectory)
    {
        // The web project's own build output, as `cd src/KoboConsole.Web; dotnet bin/Debug/net10.0/KoboConsole.Web.dll`
        // runs it (MudBlazor's files and blazor.web.js answered 500 there) or from another directory.
        var configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;
        var project = Path.Combine(RepoRoot, "src", "KoboConsole.Web");
        var dll = Path.Combine(project, "bin", configuration, "net10.0", "KoboConsole.Web.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the web project first.");
        var elsewhere = Directory.CreateTempSubdirectory("koboconsole-cwd-").FullName;
        try
        {
            using var process = await ConsoleProcess.StartAsync(new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" }, dll, fromProjectDirectory ? project : elsewhere);
            Assert.True(await process.WaitForHealthyAsync(TimeSpan.FromSeconds(60)), process.Stdout + process.Stderr);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{process.Port}") };

            foreach (var asset in new[] { "_content/MudBlazor/MudBlazor.min.css", "_content/MudBlazor/MudBlazor.min.js", "_framework/blazor.web.js", "css/console.css", "js/console.js" })
            {
                using var response = await http.GetAsync(new Uri("/" + asset, UriKind.Relative));
                Assert.True(response.IsSuccessStatusCode, $"{asset}: {(int)response.StatusCode}");
                Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0, asset);
            }

            var css = await http.GetStringAsync(new Uri("/css/console.css", UriKind.Relative));
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(RepoRoot, "wwwroot/css/console.css")), css);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task PublishOutput_ServesTopLevelWwwrootFingerprinted()
    {
        var output = Directory.CreateTempSubdirectory("koboconsole-publish-").FullName;
        try
        {
            await PublishAsync(output);
            Assert.True(File.Exists(Path.Combine(output, "wwwroot/css/console.css")), "publish did not copy the top-level wwwroot");

            using var process = await ConsoleProcess.StartAsync(
                new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" }, Path.Combine(output, "KoboConsole.Web.dll"), output);
            Assert.True(await process.WaitForHealthyAsync(TimeSpan.FromSeconds(60)), process.Stdout + process.Stderr);

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{process.Port}") };
            var login = await http.GetStringAsync(new Uri("/login", UriKind.Relative));
            var fingerprinted = FingerprintedCss().Match(login);
            Assert.True(fingerprinted.Success, "the login page does not link the console's stylesheet");
            var css = await http.GetStringAsync(new Uri("/" + fingerprinted.Value, UriKind.Relative));
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(RepoRoot, "wwwroot/css/console.css")), css);

            // Started from another directory (`dotnet /opt/koboconsole/KoboConsole.Web.dll`), it still
            // serves its own wwwroot (the working directory has none).
            var elsewhere = Directory.CreateTempSubdirectory("koboconsole-cwd-").FullName;
            try
            {
                using var other = await ConsoleProcess.StartAsync(
                    new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" }, Path.Combine(output, "KoboConsole.Web.dll"), elsewhere);
                Assert.True(await other.WaitForHealthyAsync(TimeSpan.FromSeconds(60)), other.Stdout + other.Stderr);
                using var http2 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{other.Port}") };
                var css2 = await http2.GetStringAsync(new Uri("/" + FingerprintedCss().Match(await http2.GetStringAsync(new Uri("/login", UriKind.Relative))).Value, UriKind.Relative));
                Assert.Equal(css, css2);
            }
            finally
            {
                Directory.Delete(elsewhere, recursive: true);
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static async Task PublishAsync(string output)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoRoot };
        foreach (var arg in new[] { "publish", "src/KoboConsole.Web", "-c", "Release", "-o", output, "--nologo", "-v", "q" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, await stdout + await stderr);
    }

    internal static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KoboConsole.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("KoboConsole.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"css/console\.[a-z0-9]+\.css")]
    private static partial Regex FingerprintedCss();
}
