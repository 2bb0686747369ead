using System.Diagnostics;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Drills;

namespace KoboConsole.IntegrationTests.Drills;

/// <summary>
/// Follows <c>docker events</c> while a drill runs and keeps what the drill's containers touched:
/// the containers (by the drill's label, with the image they were made from), the volumes they
/// mounted and the networks they joined, so the test can check afterwards that all of it is gone.
/// </summary>
internal sealed class DockerEventsWatch : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _runId;
    private readonly Task _reader;

    private DockerEventsWatch(Process process, string runId)
    {
        _process = process;
        _runId = runId;
        _reader = Task.Run(ReadAsync);
    }

    public Dictionary<string, string> Containers { get; } = [];

    public HashSet<string> Volumes { get; } = [];

    public HashSet<string> Networks { get; } = [];

    public static DockerEventsWatch Start(string runId)
    {
        var info = new ProcessStartInfo("docker") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = ScriptRunner.RepoRoot };
        foreach (var arg in new[] { "events", "--format", "{{json .}}", "--filter", "type=container", "--filter", "type=volume", "--filter", "type=network" })
        {
            info.ArgumentList.Add(arg);
        }

        return new DockerEventsWatch(Process.Start(info)!, runId);
    }

    /// <summary>Waits a moment for the last events, then stops following.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.Delay(1500);
        _process.Kill();
        await _reader;
        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            using var doc = JsonDocument.Parse(line);
            var e = doc.RootElement;
            var attributes = e.GetProperty("Actor").GetProperty("Attributes");
            var id = e.GetProperty("Actor").GetProperty("ID").GetString()!;
            var container = attributes.TryGetProperty("container", out var c) ? c.GetString() : null;
            lock (Containers)
            {
                switch (e.GetProperty("Type").GetString(), e.GetProperty("Action").GetString())
                {
                    case ("container", "create") when attributes.TryGetProperty(DrillLabels.Run, out var run) && run.GetString() == _runId:
                        Containers[id] = attributes.GetProperty("image").GetString()!;
                        break;
                    case ("volume", "mount") when container is not null && Containers.ContainsKey(container):
                        Volumes.Add(id);
                        break;
                    case ("network", "connect") when container is not null && Containers.ContainsKey(container):
                        Networks.Add(id);
                        break;
                }
            }
        }
    }
}
