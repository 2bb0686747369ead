using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;

namespace KoboConsole.IntegrationTests.Packaging;

/// <summary>
/// The image users get, proven on the test bed: docker/console-image.sh builds the same publish
/// output and runtime stage over a local stand-in for the aspnet base; the container runs as
/// compose.yml runs it (non-root with the socket's group, socket and kobo's backups mounted,
/// joined to kobo's networks, configured by the example env file, loopback port).
/// </summary>
[Collection(TestBedDefinition.Name)]
public sealed class ConsoleImageTests(TestBedFixture testBed)
{
    private const string Docker = "unix:///var/run/docker.sock";
    private const string Password = "packaging-admin-pw";

    [Fact]
    public async Task Image_BesideATestBedStack_GoesHealthyDiscoversTheStackAndServesLogin()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var ct = timeout.Token;
        var build = await ScriptRunner.RunAsync("bash", [Path.Combine(ScriptRunner.RepoRoot, "docker", "console-image.sh")], TimeSpan.FromMinutes(12), ct);
        Assert.True(build.ExitCode == 0, $"console-image.sh failed ({build.ExitCode}):\n{build.StdErr}");
        var image = build.StdOut.Trim().Split('\n')[^1];

        var stackId = TestBedFixture.NewStackId("prefixed");
        var stack = await testBed.UpAsync("prefixed", stackId, null, ct);
        var name = $"kc-pkg-{stackId}";
        try
        {
            var container = await RunAsync(image, name, stack, ct);
            await WaitHealthyAsync(name, ct);

            Assert.Equal("1654", (await DockerOkAsync(["exec", name, "id", "-u"], ct)).Trim());
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{await HostPortAsync(name, ct)}") };
            var login = await http.GetStringAsync(new Uri("/login", UriKind.Relative), ct);
            Assert.Contains("Sign in to KoboConsole", login, StringComparison.Ordinal);

            using var tokenResponse = await http.PostAsJsonAsync("/api/v1/tokens", new { username = "admin", password = Password, name = "packaging" }, ct);
            Assert.Equal(HttpStatusCode.Created, tokenResponse.StatusCode);
            var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("token").GetString();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var topology = await http.GetFromJsonAsync<JsonElement>("/api/v1/topology", ct);
            var names = topology.GetProperty("containers").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
            Assert.Contains(stack.Containers["postgres"], names);
            Assert.Contains(stack.Containers["nginx"], names);
            Assert.Equal(stack.Containers.Count, names.Count);
            Assert.Matches("^[0-9a-f]{64}$", container);
        }
        finally
        {
            await ScriptRunner.DockerAsync(Docker, ["rm", "-f", "-v", name], CancellationToken.None);
            await testBed.DownAsync(stackId, CancellationToken.None);
        }
    }

    private static async Task<string> RunAsync(string image, string name, StackInfo stack, CancellationToken ct)
    {
        var gid = (await ScriptRunner.RunAsync("stat", ["-c", "%g", "/var/run/docker.sock"], TimeSpan.FromSeconds(10), ct)).StdOut.Trim();
        var backups = Path.Combine(stack.Values["kobo_docker_dir"], "backups");
        var envFile = Path.Combine(ScriptRunner.RepoRoot, "docker", "koboconsole.env.example");
        var id = await DockerOkAsync(
            [
                "run", "-d", "--name", name, "--group-add", gid,
                "-v", "/var/run/docker.sock:/var/run/docker.sock", "-v", $"{backups}:{backups}",
                "--network", stack.FrontendNetwork, "-p", "127.0.0.1::8080", "--env-file", envFile,
                "-e", "KoboConsole__Auth__BootstrapAdmin__Username=admin", "-e", $"KoboConsole__Auth__BootstrapAdmin__Password={Password}",
                "-e", $"KoboConsole__Stack__Prefix={stack.Prefix}",
                // The image's HEALTHCHECK command, probed more often than its 30 s so the test is short.
                "--health-interval", "2s", image,
            ], ct);
        await DockerOkAsync(["network", "connect", stack.BackendNetwork, name], ct);
        return id.Trim();
    }

    private static async Task WaitHealthyAsync(string name, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        string state;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            state = (await DockerOkAsync(["inspect", "-f", "{{.State.Status}} {{.State.Health.Status}}", name], ct)).Trim();
        }
        while (state is "running starting" or "created starting" && DateTime.UtcNow < deadline);

        if (state != "running healthy")
        {
            var logs = await ScriptRunner.DockerAsync(Docker, ["logs", "--tail", "80", name], CancellationToken.None);
            var health = await ScriptRunner.DockerAsync(Docker, ["inspect", "-f", "{{json .State.Health}}", name], CancellationToken.None);
            Assert.Fail($"container state '{state}', not 'running healthy'.\nhealth: {health.StdOut}\nlogs:\n{logs.StdOut}{logs.StdErr}");
        }
    }

    private static async Task<int> HostPortAsync(string name, CancellationToken ct)
    {
        var line = (await DockerOkAsync(["port", name, "8080/tcp"], ct)).Trim().Split('\n')[0];
        Assert.StartsWith("127.0.0.1:", line, StringComparison.Ordinal);
        return int.Parse(line[(line.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> DockerOkAsync(IEnumerable<string> args, CancellationToken ct)
    {
        var list = args.ToList();
        var result = await ScriptRunner.DockerAsync(Docker, list, ct);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', list)} failed ({result.ExitCode}): {result.StdErr}");
        return result.StdOut;
    }
}
