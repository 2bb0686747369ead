using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace KoboConsole.Testing;

/// <summary>
/// A real PostgreSQL 15 for the console's OWN storage (not kobo's): a container from the test
/// bed's services image, published on a free loopback port (fixed, so it survives a stop and a
/// start: see <see cref="StopAsync"/>), removed at the end. Shared by the integration and E2E tests.
/// </summary>
public sealed class ConsolePostgresFixture : IAsyncLifetime
{
    private const string Password = "console-db-password";
    private const string Ready = "database system is ready to accept connections";
    private const string Starting = "starting PostgreSQL";
    private int _starts;
    private readonly string _name = "kc-storage-pg-" + Guid.NewGuid().ToString("N")[..8];

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        // Built or reused by docker/testbed/images.sh (cached by hash).
        var images = await RunAsync("bash", Path.Combine(TestRepo.Root, "docker", "testbed", "images.sh"), "services");
        Assert.True(images.ExitCode == 0, images.Output);
        await DockerAsync("run", "-d", "--name", _name, "--label", "org.koboconsole.test=storage",
            "-e", "POSTGRES_USER=console", "-e", $"POSTGRES_PASSWORD={Password}", "-e", "KPI_POSTGRES_DB=koboconsole",
            "-p", $"127.0.0.1:{FreePort()}:5432", "kobo-testbed/services:latest", "kobo-postgres");
        var port = (await DockerAsync("port", _name, "5432/tcp")).Trim().Split(':')[^1];
        ConnectionString = $"Host=127.0.0.1;Port={port};Database=koboconsole;Username=console;Password={Password};Timeout=15";
        _starts = await WaitReadyAsync(0);
    }

    /// <summary>A connection string to a new, empty database on this server: a test that needs a console of its own (a fresh admin, no users) gets one.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        var name = "kc_" + Guid.NewGuid().ToString("N")[..12];
        await using (var c = new Npgsql.NpgsqlConnection(ConnectionString))
        {
            await c.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", c);
            await create.ExecuteNonQueryAsync();
        }

        return ConnectionString.Replace("Database=koboconsole", $"Database={name}", StringComparison.Ordinal);
    }

    /// <summary>Stops the server (the console's database goes away); <see cref="StartAsync"/> brings it back on the same port.</summary>
    public Task StopAsync() => DockerAsync("stop", "-t", "10", _name);

    public async Task StartAsync()
    {
        await DockerAsync("start", _name);
        _starts = await WaitReadyAsync(_starts);
    }

    // The container's log accumulates over starts: waits for a start after the first
    // <paramref name="startsBefore"/> and a "ready" line after it; returns the starts seen.
    private async Task<int> WaitReadyAsync(int startsBefore)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var logs = await DockerAsync("logs", _name);
            var starts = CountOf(logs, Starting);
            if (starts > startsBefore && logs[logs.LastIndexOf(Starting, StringComparison.Ordinal)..].Contains(Ready, StringComparison.Ordinal))
            {
                return starts;
            }

            Assert.True(DateTime.UtcNow < deadline, "PostgreSQL did not start:\n" + logs);
            await Task.Delay(300);
        }
    }

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    public async Task DisposeAsync() => await DockerAsync("rm", "-f", "-v", _name);

    private static async Task<string> DockerAsync(params string[] args) => (await RunAsync("docker", args)).Output;

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
