using Docker.DotNet.Models;

namespace KoboConsole.Web.Infrastructure.Docker;

// Containers, networks and archives: request/response calls.
internal sealed partial class DockerEngine
{
    public async Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(ContainerQuery query, CancellationToken cancellationToken)
    {
        var parameters = new ContainersListParameters { All = query.All, Filters = DockerMapping.LabelFilters(query.Labels) };
        var list = await CallAsync("list containers", null, (c, ct) => c.Containers.ListContainersAsync(parameters, ct), cancellationToken);
        return list.Select(DockerMapping.ToSummary).ToArray();
    }

    public async Task<ContainerDetails> InspectContainerAsync(string id, CancellationToken cancellationToken)
    {
        var details = await CallAsync("inspect a container", id, (c, ct) => c.Containers.InspectContainerAsync(id, ct), cancellationToken);
        return DockerMapping.ToDetails(details);
    }

    public async Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        var parameters = DockerMapping.ToCreateParameters(spec);
        var created = await CallAsync("create a container", null, (c, ct) => c.Containers.CreateContainerAsync(parameters, ct), cancellationToken);
        foreach (var network in spec.Networks.Skip(1))
        {
            await ConnectNetworkAsync(network.Name, created.ID, network.Aliases ?? [], cancellationToken);
        }

        Log.ContainerChanged(_logger, Name, created.ID, "created");
        return created.ID;
    }

    public async Task<ImageDetails?> InspectImageAsync(string reference, CancellationToken cancellationToken)
    {
        try
        {
            var image = await CallAsync("inspect an image", null, (c, ct) => c.Images.InspectImageAsync(reference, ct), cancellationToken);
            return DockerMapping.ToImage(image);
        }
        catch (DockerOperationException ex) when (ex.StatusCode == 404)
        {
            return null;
        }
    }

    public async Task RenameContainerAsync(string id, string newName, CancellationToken cancellationToken)
    {
        await CallAsync("rename a container", id, (c, ct) => c.Containers.RenameContainerAsync(id, new ContainerRenameParameters { NewName = newName }, ct), cancellationToken);
        Log.ContainerChanged(_logger, Name, id, "renamed to " + newName);
    }

    public async Task StartContainerAsync(string id, CancellationToken cancellationToken)
    {
        await CallAsync("start a container", id, (c, ct) => c.Containers.StartContainerAsync(id, new ContainerStartParameters(), ct), cancellationToken);
        Log.ContainerChanged(_logger, Name, id, "started");
    }

    public async Task StopContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var parameters = new ContainerStopParameters { WaitBeforeKillSeconds = Seconds(timeout) };
        await CallAsync("stop a container", id, (c, ct) => c.Containers.StopContainerAsync(id, parameters, ct), cancellationToken);
        Log.ContainerChanged(_logger, Name, id, "stopped");
    }

    public async Task RestartContainerAsync(string id, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var parameters = new ContainerRestartParameters { WaitBeforeKillSeconds = Seconds(timeout) };
        await CallAsync("restart a container", id, (c, ct) => c.Containers.RestartContainerAsync(id, parameters, ct), cancellationToken);
        Log.ContainerChanged(_logger, Name, id, "restarted");
    }

    public Task RemoveContainerAsync(string id, bool force, CancellationToken cancellationToken)
        => RemoveContainerAsync(id, force, removeVolumes: false, cancellationToken);

    public async Task RemoveContainerAsync(string id, bool force, bool removeVolumes, CancellationToken cancellationToken)
    {
        var parameters = new ContainerRemoveParameters { Force = force, RemoveVolumes = removeVolumes };
        await CallAsync("remove a container", id, (c, ct) => c.Containers.RemoveContainerAsync(id, parameters, ct), cancellationToken);
        Log.ContainerChanged(_logger, Name, id, "removed");
    }

    public async Task<IReadOnlyList<NetworkSummary>> ListNetworksAsync(CancellationToken cancellationToken)
    {
        var list = await CallAsync("list networks", null, (c, ct) => c.Networks.ListNetworksAsync(new NetworksListParameters(), ct), cancellationToken);
        return list.Select(DockerMapping.ToNetwork).ToArray();
    }

    public Task<string> CreateNetworkAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
        => CreateNetworkAsync(name, labels, isInternal: false, cancellationToken);

    public async Task<string> CreateNetworkAsync(string name, IReadOnlyDictionary<string, string> labels, bool isInternal, CancellationToken cancellationToken)
    {
        var parameters = new NetworksCreateParameters { Name = name, CheckDuplicate = true, Internal = isInternal, Labels = labels.ToDictionary() };
        var created = await CallAsync("create a network", null, (c, ct) => c.Networks.CreateNetworkAsync(parameters, ct), cancellationToken);
        return created.ID;
    }

    public Task RemoveNetworkAsync(string network, CancellationToken cancellationToken)
        => CallAsync("remove a network", null, (c, ct) => c.Networks.DeleteNetworkAsync(network, ct), cancellationToken);

    public Task ConnectNetworkAsync(string network, string id, IReadOnlyList<string> aliases, CancellationToken cancellationToken)
    {
        var parameters = new NetworkConnectParameters { Container = id, EndpointConfig = new EndpointSettings { Aliases = aliases.ToList() } };
        return CallAsync("connect a container to a network", id, (c, ct) => c.Networks.ConnectNetworkAsync(network, parameters, ct), cancellationToken);
    }

    public Task DisconnectNetworkAsync(string network, string id, bool force, CancellationToken cancellationToken)
    {
        var parameters = new NetworkDisconnectParameters { Container = id, Force = force };
        return CallAsync("disconnect a container from a network", id, (c, ct) => c.Networks.DisconnectNetworkAsync(network, parameters, ct), cancellationToken);
    }

    public async Task<Stream> GetArchiveAsync(string id, string path, CancellationToken cancellationToken)
    {
        var parameters = new GetArchiveFromContainerParameters { Path = path };
        var response = await CallAsync("read files from a container", id, (c, ct) => c.Containers.GetArchiveFromContainerAsync(id, parameters, false, ct), cancellationToken);
        return response.Stream;
    }

    public Task PutArchiveAsync(string id, string path, Stream tar, CancellationToken cancellationToken)
    {
        var parameters = new ContainerPathStatParameters { Path = path, AllowOverwriteDirWithFile = false };
        return CallAsync("write files into a container", id, (c, ct) => c.Containers.ExtractArchiveToContainerAsync(id, parameters, tar, ct), cancellationToken);
    }

    private static uint? Seconds(TimeSpan? timeout) => timeout is null ? null : (uint)Math.Max(0, Math.Ceiling(timeout.Value.TotalSeconds));
}
