using System.Text.RegularExpressions;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;
using KoboConsole.Web.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Packaging;

/// <summary>
/// The promises the README makes about docker/compose.yml and its env file, and the example's
/// settings known to the console (ComposeUpTests runs the file itself).
/// </summary>
public sealed partial class ComposeFileTests
{
    private static string Compose => File.ReadAllText(Path.Combine(ScriptRunner.RepoRoot, "docker", "compose.yml"));

    [Fact]
    public void Compose_Defaults_LoopbackSocketGroupKoboNetworksAndBackups()
    {
        var compose = Compose;

        Assert.Contains("\"${KOBOCONSOLE_BIND:-127.0.0.1}:${KOBOCONSOLE_PORT:-5080}:8080\"", compose, StringComparison.Ordinal);
        Assert.Contains("- /var/run/docker.sock:/var/run/docker.sock", compose, StringComparison.Ordinal);
        Assert.Contains("\"${DOCKER_GID:?", compose, StringComparison.Ordinal);
        Assert.Contains("name: ${KOBO_FRONTEND_NETWORK:-kobofe_kobo-fe-network}", compose, StringComparison.Ordinal);
        Assert.Contains("name: ${KOBO_BACKEND_NETWORK:-kobobe_kobo-be-network}", compose, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(compose, @"^\s+external: true$", RegexOptions.Multiline));
        Assert.Matches(@"- \$\{KOBO_DOCKER_DIR:\?[^}]*\}/backups:\$\{KOBO_DOCKER_DIR\}/backups", compose);
        Assert.Contains("koboconsole-data:/data", compose, StringComparison.Ordinal);
        Assert.Contains("dockerfile: docker/Dockerfile", compose, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnvExample_EveryConsoleSetting_IsAKeyTheConsoleReads()
    {
        var lines = await File.ReadAllLinesAsync(Path.Combine(ScriptRunner.RepoRoot, "docker", "koboconsole.env.example"));
        // Commented-out examples count too: a user uncomments them as they are.
        var names = lines.Select(l => EnvLine().Match(l)).Where(m => m.Success).Select(m => m.Groups["name"].Value).ToList();
        await using var app = new ConsoleAppFactory();

        var unknown = app.Services.GetRequiredService<ConfigurationKeys>().FindUnknown(names);

        Assert.Contains("KoboConsole__Auth__BootstrapAdmin__Password", names);
        Assert.Empty(unknown);
        // Every variable compose.yml substitutes is explained in the example.
        foreach (var variable in ComposeVariables().Matches(Compose).Select(m => m.Groups["name"].Value).Distinct())
        {
            Assert.Contains(variable, names);
        }
    }

    [GeneratedRegex(@"^#?(?<name>[A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex EnvLine();

    [GeneratedRegex(@"\$\{(?<name>[A-Z_]+)[:}]")]
    private static partial Regex ComposeVariables();
}
