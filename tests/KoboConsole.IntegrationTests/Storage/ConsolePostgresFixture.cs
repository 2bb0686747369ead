using System.Diagnostics;
using KoboConsole.IntegrationTests.TestBed;

namespace KoboConsole.IntegrationTests.Storage;

/// <summary>
/// A real PostgreSQL 15 for the console's OWN storage (not kobo's): a container from the test
/// bed's services image, published on a free loopback port, removed at the end.
/// </summary>
public sealed class ConsolePostgresFixture : IAsyncLifetime
{
    private const string Password = "console-db-password";
    private readonly string _name = "kc-storage-pg-" + Guid.NewGuid().ToString("N")[..8];

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var images = await ScriptRunner.ScriptAsync("images.sh", ["services"], TimeSpan.FromMinutes(9), CancellationToken.None);
        Assert.True(images.ExitCode == 0, images.StdErr);
        await DockerAsync("run", "-d", "--name", _name, "--label", "org.koboconsole.test=storage",
            "-e", "POSTGRES_USER=console", "-e", $"POSTGRES_PASSWORD={Password}", "-e", "KPI_POSTGRES_DB=koboconsole",
            "-p", "127.0.0.1::5432", "kobo-testbed/services:latest", "kobo-postgres");
        var port = (await DockerAsync("port", _name, "5432/tcp")).Trim().Split(':')[^1];
        ConnectionString = $"Host=127.0.0.1;Port={port};Database=koboconsole;Username=console;Password={Password};Timeout=5";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await DockerAsync("logs", _name)).Contains("database system is ready to accept connections", StringComparison.Ordinal)
               || !(await DockerAsync("logs", _name)).Contains("starting PostgreSQL", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "PostgreSQL did not start:\n" + await DockerAsync("logs", _name));
            await Task.Delay(300);
        }
    }

    public async Task DisposeAsync() => await DockerAsync("rm", "-f", "-v", _name);

    private static async Task<string> DockerAsync(params string[] args)
    {
        var info = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return await stdout + await stderr;
    }
}
