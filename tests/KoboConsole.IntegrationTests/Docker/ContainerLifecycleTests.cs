using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.IntegrationTests.Docker;

public sealed class ContainerLifecycleTests(DockerFixture fixture) : DockerTestBase(fixture)
{
    [Fact]
    public async Task CreateContainerAsync_WithLabelsAliasesPortAndExtraHosts_InspectShowsThem()
    {
        var network = await CreateNetworkAsync();
        var name = UniqueName("life");
        var id = await CreateAsync(new ContainerSpec
        {
            Image = DockerFixture.Image,
            Name = name,
            Cmd = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"],
            Env = ["KOBO_SECRET=s3cret"],
            Labels = new Dictionary<string, string> { ["com.docker.compose.service"] = "nginx" },
            Networks = [new NetworkSpec(network, ["nginx", "nginx.internal"])],
            Ports = [new PortBindingSpec(80, HostIp: "127.0.0.1")],
            ExtraHosts = ["postgres.kobo.private:10.1.2.3"],
        });

        await Engine.StartContainerAsync(id, Timeout);
        var running = await Engine.InspectContainerAsync(id, Timeout);

        Assert.Equal(name, running.Name);
        Assert.True(running.Running);
        Assert.Equal("running", running.State);
        Assert.Equal("none", running.Health.Status);
        Assert.NotNull(running.StartedAt);
        Assert.InRange(running.Created, DateTimeOffset.UtcNow.AddMinutes(-1), running.StartedAt.Value);
        Assert.Equal("nginx", running.Labels["com.docker.compose.service"]);
        Assert.Contains("KOBO_SECRET=s3cret", running.Env);
        Assert.Contains("postgres.kobo.private:10.1.2.3", running.ExtraHosts);
        var attachment = Assert.Single(running.Networks, n => n.Name == network);
        Assert.Contains("nginx.internal", attachment.Aliases);
        Assert.NotNull(attachment.IpAddress);
        var port = Assert.Single(running.Ports);
        Assert.Equal(80, port.ContainerPort);
        Assert.Equal("127.0.0.1", port.HostIp);
        Assert.True(port.HostPort > 0);

        await Engine.StopContainerAsync(id, TimeSpan.FromSeconds(5), Timeout);
        var stopped = await Engine.InspectContainerAsync(id, Timeout);
        Assert.Equal("exited", stopped.State);
        Assert.NotNull(stopped.FinishedAt);

        await Engine.RemoveContainerAsync(id, force: false, Timeout);
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => Engine.InspectContainerAsync(id, Timeout));
    }

    [Fact]
    public async Task ListContainersAsync_LabelPresentOrEqual_FiltersLikeDocker()
    {
        var run = Guid.NewGuid().ToString("N");
        var spec = new ContainerSpec { Image = DockerFixture.Image, Cmd = ["true"] };
        var backend = await CreateAsync(spec with { Name = UniqueName("be"), Labels = OurLabels(("kc.run", run), ("com.docker.compose.project", "kobobe")) });
        var frontend = await CreateAsync(spec with { Name = UniqueName("fe"), Labels = OurLabels(("kc.run", run), ("com.docker.compose.project", "kobofe")) });

        var present = await Engine.ListContainersAsync(new ContainerQuery { Labels = [new("kc.run", run), new("com.docker.compose.project")] }, Timeout);
        var equal = await Engine.ListContainersAsync(new ContainerQuery { Labels = [new("kc.run", run), new("com.docker.compose.project", "kobofe")] }, Timeout);
        var runningOnly = await Engine.ListContainersAsync(new ContainerQuery { All = false, Labels = [new("kc.run", run)] }, Timeout);

        Assert.Equal(new[] { backend, frontend }.Order(), present.Select(c => c.Id).Order());
        var summary = Assert.Single(equal);
        Assert.Equal(frontend, summary.Id);
        Assert.Equal("created", summary.State);
        Assert.InRange(summary.Created, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal("kobofe", summary.Labels["com.docker.compose.project"]);
        Assert.Equal(DockerFixture.Image, summary.Image);
        Assert.Empty(runningOnly);
    }

    [Fact]
    public async Task ConnectNetworkAsync_WithAliases_InspectShowsThemUntilDisconnected()
    {
        var home = await CreateNetworkAsync();
        var network = await CreateNetworkAsync();
        var id = await CreateAsync(new ContainerSpec { Image = DockerFixture.Image, Name = UniqueName("conn"), Cmd = ["sleep", "3600"], Networks = [new NetworkSpec(home)] });
        await Engine.StartContainerAsync(id, Timeout);

        await Engine.ConnectNetworkAsync(network, id, ["maintenance.internal"], Timeout);
        var connected = await Engine.InspectContainerAsync(id, Timeout);
        await Engine.DisconnectNetworkAsync(network, id, force: false, Timeout);
        var disconnected = await Engine.InspectContainerAsync(id, Timeout);

        Assert.Contains("maintenance.internal", Assert.Single(connected.Networks, n => n.Name == network).Aliases);
        Assert.DoesNotContain(disconnected.Networks, n => n.Name == network);
        Assert.Contains(await Engine.ListNetworksAsync(Timeout), n => n.Name == network && n.Labels.ContainsKey(DockerFixture.TestLabel));
    }

    [Fact]
    public async Task RestartContainerAsync_RunningContainer_StartsItAgain()
    {
        var id = await RunIdleAsync();
        var before = (await Engine.InspectContainerAsync(id, Timeout)).StartedAt;

        await Engine.RestartContainerAsync(id, TimeSpan.FromSeconds(5), Timeout);
        var after = await Engine.InspectContainerAsync(id, Timeout);

        Assert.True(after.Running);
        Assert.True(after.StartedAt > before);
    }

    [Fact]
    public async Task InspectContainerAsync_WithHealthcheck_ShowsHealthAndLastProbeOutput()
    {
        var id = await CreateAsync(new ContainerSpec
        {
            Image = DockerFixture.Image,
            Name = UniqueName("health"),
            Cmd = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"],
            Healthcheck = new HealthcheckSpec("echo probe-said-hello; exit 1", TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), Retries: 1),
        });
        await Engine.StartContainerAsync(id, Timeout);

        var details = await Engine.InspectContainerAsync(id, Timeout);
        while (details.Health.Status == "starting")
        {
            await Task.Delay(100, Timeout);
            details = await Engine.InspectContainerAsync(id, Timeout);
        }

        Assert.Equal("unhealthy", details.Health.Status);
        Assert.Equal("probe-said-hello", details.Health.LastOutput);
        Assert.Equal(1, details.Health.LastExitCode);
        Assert.NotNull(details.Health.LastProbeAt);
    }

    [Fact]
    public async Task StartContainerAsync_UnknownId_ThrowsContainerNotFound()
    {
        var error = await Assert.ThrowsAsync<ContainerNotFoundException>(() => Engine.StartContainerAsync("kc-da-no-such-container", Timeout));

        Assert.Equal("kc-da-no-such-container", error.ContainerId);
    }

    [Fact]
    public async Task CreateContainerAsync_MissingImage_ThrowsOperationErrorWithDaemonMessage()
    {
        var error = await Assert.ThrowsAsync<DockerOperationException>(
            () => CreateAsync(new ContainerSpec { Image = "kobo-testbed/no-such-image:never", Name = UniqueName("noimg") }));

        Assert.Equal(404, error.StatusCode);
        Assert.Contains("no-such-image", error.DaemonMessage, StringComparison.Ordinal);
    }
}
