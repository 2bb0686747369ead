using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;

namespace KoboConsole.IntegrationTests.Packaging;

/// <summary>
/// docker/compose.yml run by Compose itself (Debian's docker-compose 1.29) beside a test-bed
/// stack, as a user runs it: an env file made from koboconsole.env.example with the values a user
/// edits, and an override that only swaps <c>build:</c> for koboconsole:local (docker/console-image.sh:
/// the same publish output and runtime stage over a local stand-in for the aspnet base, which
/// cannot be pulled here).
/// </summary>
public sealed class ComposeUpTests(TestBedFixture testBed) : IClassFixture<TestBedFixture>
{
    private const string Docker = "unix:///var/run/docker.sock";
    private const string Password = "packaging-admin-pw";

    [Fact]
    public async Task ComposeUp_BesideATestBedStack_HealthyNonRootLoopbackDiscoversTheStackAndDownLeavesNothing()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var ct = timeout.Token;
        var build = await ScriptRunner.RunAsync("bash", [Path.Combine(ScriptRunner.RepoRoot, "docker", "console-image.sh")], TimeSpan.FromMinutes(12), ct);
        Assert.True(build.ExitCode == 0, $"console-image.sh failed ({build.ExitCode}):\n{build.StdErr}");
        var image = build.StdOut.Trim().Split('\n')[^1];

        var stackId = TestBedFixture.NewStackId("prefixed");
        var stack = await testBed.UpAsync("prefixed", stackId, null, ct);
        var project = $"kcdeploy{stackId.Replace("-", string.Empty, StringComparison.Ordinal)}";
        var dir = Directory.CreateTempSubdirectory("kc-compose-");
        var port = FreePort();
        var compose = await WriteProjectAsync(dir.FullName, project, image, port, stack, ct);
        try
        {
            await ComposeOkAsync(compose, ["up", "-d", "--no-build"], ct);
            var name = (await ComposeOkAsync(compose, ["ps", "-q", "console"], ct)).Trim();
            await WaitHealthyAsync(name, ct);

            Assert.Equal(project, (await DockerOkAsync(["inspect", "-f", "{{ index .Config.Labels \"com.docker.compose.project\" }}", name], ct)).Trim());
            Assert.Equal("1654", (await DockerOkAsync(["exec", name, "id", "-u"], ct)).Trim());
            Assert.Equal($"127.0.0.1:{port}", (await DockerOkAsync(["port", name, "8080/tcp"], ct)).Trim());
            var networks = (await DockerOkAsync(["inspect", "-f", "{{ range $n, $_ := .NetworkSettings.Networks }}{{ $n }} {{ end }}", name], ct)).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal([stack.BackendNetwork, stack.FrontendNetwork], networks.Order(StringComparer.Ordinal));

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var login = await http.GetStringAsync(new Uri("/login", UriKind.Relative), ct);
            Assert.Contains("Sign in to KoboConsole", login, StringComparison.Ordinal);
            using var tokenResponse = await http.PostAsJsonAsync("/api/v1/tokens", new { username = "admin", password = Password, name = "packaging" }, ct);
            Assert.Equal(HttpStatusCode.Created, tokenResponse.StatusCode);
            var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("token").GetString();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var topology = await http.GetFromJsonAsync<JsonElement>("/api/v1/topology", ct);
            var names = topology.GetProperty("containers").EnumerateArray().Select(c => c.GetProperty("name").GetString()!);
            Assert.Equal(stack.Containers.Values.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));

            await ComposeOkAsync(compose, ["down", "-v"], ct);
            foreach (var kind in new[] { "ps -a", "volume ls", "network ls" })
            {
                var left = await DockerOkAsync([.. kind.Split(' '), "-q", "--filter", $"label=com.docker.compose.project={project}"], ct);
                Assert.True(left.Trim().Length == 0, $"docker {kind} still lists {project}'s: {left}");
            }

            // kobo's networks are external: down must not remove them.
            await DockerOkAsync(["network", "inspect", "-f", "{{.Name}}", stack.FrontendNetwork, stack.BackendNetwork], ct);
        }
        finally
        {
            await ComposeAsync(compose, ["down", "-v"], CancellationToken.None);
            await testBed.DownAsync(stackId, CancellationToken.None);
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The env file a user makes from the example, and the override; returns compose's file arguments.</summary>
    private static async Task<string[]> WriteProjectAsync(string dir, string project, string image, int port, StackInfo stack, CancellationToken ct)
    {
        var gid = (await ScriptRunner.RunAsync("stat", ["-c", "%g", "/var/run/docker.sock"], TimeSpan.FromSeconds(10), ct)).StdOut.Trim();
        var envFile = Path.Combine(dir, "koboconsole.env");
        var edits = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["COMPOSE_PROJECT_NAME"] = project,
            ["DOCKER_GID"] = gid,
            ["KOBO_DOCKER_DIR"] = stack.Values["kobo_docker_dir"],
            ["KOBO_FRONTEND_NETWORK"] = stack.FrontendNetwork,
            ["KOBO_BACKEND_NETWORK"] = stack.BackendNetwork,
            ["KOBOCONSOLE_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["KOBOCONSOLE_ENV_FILE"] = envFile,
            ["KoboConsole__Auth__BootstrapAdmin__Username"] = "admin",
            ["KoboConsole__Auth__BootstrapAdmin__Password"] = Password,
            ["KoboConsole__Stack__Prefix"] = stack.Prefix,
        };
        var example = await File.ReadAllLinesAsync(Path.Combine(ScriptRunner.RepoRoot, "docker", "koboconsole.env.example"), ct);
        var lines = example.Select(line =>
        {
            var key = edits.Keys.FirstOrDefault(k => line.StartsWith(k + "=", StringComparison.Ordinal) || line.StartsWith("#" + k + "=", StringComparison.Ordinal));
            return key is null ? line : $"{key}={edits[key]}";
        }).ToList();
        foreach (var key in edits.Keys)
        {
            Assert.True(lines.Contains($"{key}={edits[key]}"), $"koboconsole.env.example has no line for {key}");
        }

        await File.WriteAllLinesAsync(envFile, lines, ct);
        var overrideFile = Path.Combine(dir, "compose.override.yml");
        await File.WriteAllTextAsync(overrideFile, $"services:\n  console:\n    image: {image}\n", ct);
        return ["-f", Path.Combine(ScriptRunner.RepoRoot, "docker", "compose.yml"), "-f", overrideFile, "--env-file", envFile];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task<ProcessResult> ComposeAsync(string[] files, IEnumerable<string> args, CancellationToken ct) =>
        ScriptRunner.RunAsync("docker-compose", [.. files, .. args], TimeSpan.FromMinutes(3), ct);

    private static async Task<string> ComposeOkAsync(string[] files, IEnumerable<string> args, CancellationToken ct)
    {
        var list = args.ToList();
        var result = await ComposeAsync(files, list, ct);
        Assert.True(result.ExitCode == 0, $"docker-compose {string.Join(' ', list)} failed ({result.ExitCode}): {result.StdErr}");
        return result.StdOut;
    }

    private static async Task WaitHealthyAsync(string name, CancellationToken ct)
    {
        // The image's own HEALTHCHECK (first probe after its 30 s start period).
        var deadline = DateTime.UtcNow.AddSeconds(180);
        string state;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
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

    private static async Task<string> DockerOkAsync(IEnumerable<string> args, CancellationToken ct)
    {
        var list = args.ToList();
        var result = await ScriptRunner.DockerAsync(Docker, list, ct);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', list)} failed ({result.ExitCode}): {result.StdErr}");
        return result.StdOut;
    }
}
