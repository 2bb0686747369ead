using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace KoboConsole.Web.Features.Topology;

public sealed partial class TopologyPage
{
    private string? _service;
    private string? _containerId;
    private ContainerDetailView? _detail;
    private string? _detailError;
    private bool _busy;
    private bool _focusPanel;
    private ElementReference _panel;

    [Inject]
    private TopologyLive Live { get; set; } = null!;

    [Inject]
    private TopologyService Topology { get; set; } = null!;

    [Inject]
    private ContainerActions Actions { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [CascadingParameter]
    private Task<AuthenticationState>? AuthState { get; set; }

    private IEnumerable<TopologyContainer> Replicas => Live.Current.Containers.Where(c => c.Service == _service);

    private TopologyContainer? Selected => Live.Current.Containers.FirstOrDefault(c => c.Id == _containerId);

    // Renders after each refresh of the live topology (already coalesced by TopologyLive; the base drops notifications while a render waits).
    protected override void OnInitialized() => Follow(Live);

    private Task SelectServiceAsync(string service)
    {
        var first = Live.Current.Containers.Where(c => c.Service == service).OrderByDescending(c => c.State == "running").FirstOrDefault();
        return first is null ? Task.CompletedTask : SelectContainerAsync(first);
    }

    private async Task SelectContainerAsync(TopologyContainer container)
    {
        _service = container.Service;
        _containerId = container.Id;
        _focusPanel = true;
        await LoadDetailAsync(container);
    }

    // Focus moves into the panel so Escape reaches it (and a keyboard or screen-reader user lands there).
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_focusPanel && _service is not null)
        {
            _focusPanel = false;
            await _panel.FocusAsync();
        }
    }

    private void ClosePanel() => (_service, _containerId, _detail, _detailError) = (null, null, null, null);

    private Task OnPanelKeyAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Escape")
        {
            ClosePanel();
        }

        return Task.CompletedTask;
    }

    private async Task LoadDetailAsync(TopologyContainer container)
    {
        try
        {
            _detail = await Topology.DetailAsync(container.Host, container.Id, container.Service, Disposing);
            _detailError = null;
        }
        catch (DockerException ex)
        {
            _detail = null;
            _detailError = $"{ex.Message} The container may have been removed: pick another node or refresh.";
        }
    }

    private async Task RunAsync(ContainerAction action)
    {
        if (Selected is not { } c)
        {
            return;
        }

        var verb = action.ToString().ToLowerInvariant();
        var ok = await Dialogs.ShowMessageBoxAsync($"{action} {c.Name}?", $"This will {verb} the container {c.Name} on Docker host {c.Host}.", yesText: action.ToString(), cancelText: "Cancel");
        if (ok != true)
        {
            return;
        }

        if (action != ContainerAction.Start && SecondConfirmation(c) is { } warning)
        {
            ok = await Dialogs.ShowMessageBoxAsync("Are you sure?", warning, yesText: $"Yes, {verb} it", cancelText: "Cancel");
            if (ok != true)
            {
                return;
            }
        }

        _busy = true;
        try
        {
            var user = AuthState is null ? null : (await AuthState).User;
            var entry = await Actions.RunAsync(c, action, user is null ? "unknown" : AuditLog.ActorOf(user), Disposing);
            Snackbar.Add($"{c.Name} on {c.Host} is {entry.State}.", Severity.Success);
            await LoadDetailAsync(entry);
        }
        catch (DockerException ex)
        {
            Snackbar.Add($"Could not {verb} {c.Name}: {ex.Message} Check the container's logs below, or the host.", Severity.Error);
        }
        finally
        {
            _busy = false;
        }
    }

    private string? SecondConfirmation(TopologyContainer c) =>
        ContainerActions.SecondConfirmation(c, Live.Current.Containers, Environment.GetEnvironmentVariable("HOSTNAME"));
}
