using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.IntegrationTests.Docker;

public sealed class EngineEventsTests(DockerFixture fixture) : DockerTestBase(fixture)
{
    [Fact]
    public async Task StreamEventsAsync_ContainerStartedExecedAndStopped_YieldsLifecycleWithoutExec()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var id = await RunIdleAsync();
        await Engine.ExecAsync(id, ["true"], Timeout);
        await Engine.StopContainerAsync(id, TimeSpan.FromSeconds(5), Timeout);
        var events = new List<EngineEvent>();

        // Since replays what happened already, so there is no race with the stream opening.
        await foreach (var e in Engine.StreamEventsAsync(new EventQuery { Since = since, ContainerId = id }, Timeout))
        {
            events.Add(e);
            if (e.Action == "stop")
            {
                break;
            }
        }

        var actions = events.Select(e => e.Action).ToArray();
        Assert.Contains("create", actions);
        Assert.Contains("start", actions);
        Assert.Contains("die", actions);
        Assert.DoesNotContain(actions, a => a.StartsWith("exec_", StringComparison.Ordinal));
        Assert.All(events, e => Assert.Equal(id, e.ActorId));
        Assert.All(events, e => Assert.Equal("container", e.Type));
        Assert.Equal(DockerFixture.TestLabelValue, events[0].Attributes[DockerFixture.TestLabel]);
        Assert.InRange(events[0].Time, since.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(5));
    }

    [Fact]
    public async Task StreamEventsAsync_IncludeExec_YieldsExecEvents()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var id = await RunIdleAsync();
        await Engine.ExecAsync(id, ["true"], Timeout);
        var actions = new List<string>();

        await foreach (var e in Engine.StreamEventsAsync(new EventQuery { Since = since, ContainerId = id, IncludeExec = true }, Timeout))
        {
            actions.Add(e.Action);
            if (e.Action.StartsWith("exec_die", StringComparison.Ordinal))
            {
                break;
            }
        }

        Assert.Contains(actions, a => a.StartsWith("exec_start", StringComparison.Ordinal));
    }
}
