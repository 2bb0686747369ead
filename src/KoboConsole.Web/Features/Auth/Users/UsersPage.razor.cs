using System.Globalization;
using KoboConsole.Web.Features.Audit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace KoboConsole.Web.Features.Auth.Users;

/// <summary>The Users admin page: list, create, change role, reset password, disable or enable. All through <see cref="UserAdmin"/>.</summary>
public sealed partial class UsersPage
{
    private IReadOnlyList<UserInfo>? _users;
    private string? _newUsername;
    private string? _newPassword;
    private string _newRole = Roles.Viewer;
    private string? _resetFor;
    private string? _resetPassword;
    private UserAdminError? _createError;
    private UserAdminError? _resetError;

    [Inject] private UserService Users { get; set; } = null!;
    [Inject] private UserAdmin Admin { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private AuthenticationStateProvider Auth { get; set; } = null!;

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task LoadAsync() => _users = await Users.ListAsync(CancellationToken.None);

    private async Task CreateAsync()
    {
        var (actor, _) = await ActorAsync();
        var (user, error) = await Admin.CreateAsync(actor, _newUsername, _newPassword, _newRole, CancellationToken.None);
        _createError = error;
        if (Report(error, fieldShown: true))
        {
            return;
        }

        Snackbar.Add($"User {user!.Username} created as {user.Role}.", Severity.Success);
        (_newUsername, _newPassword, _newRole) = (null, null, Roles.Viewer);
        await LoadAsync();
    }

    private Task ChangeRoleAsync(UserInfo user, string role) =>
        role == user.Role ? Task.CompletedTask : ApplyAsync(user.Username, new UpdateUserRequest(role, null, null), $"{user.Username} is now {role}; their open sessions were ended.");

    private async Task SetEnabledAsync(UserInfo user, bool enabled) =>
        await ApplyAsync(user.Username, new UpdateUserRequest(null, null, enabled),
            enabled ? $"{user.Username} is enabled again." : $"{user.Username} is disabled: their sessions and API tokens stop working now.");

    private void StartReset(UserInfo user) => (_resetFor, _resetPassword, _resetError) = (user.Username, null, null);

    private async Task ResetAsync()
    {
        if (_resetFor is { } username && await ApplyAsync(username, new UpdateUserRequest(null, _resetPassword ?? "", null), $"Password of {username} changed; their open sessions were ended.", e => _resetError = e))
        {
            (_resetFor, _resetPassword) = (null, null);
        }
    }

    private async Task<bool> ApplyAsync(string username, UpdateUserRequest change, string done, Action<UserAdminError?>? onFieldError = null)
    {
        var (actor, self) = await ActorAsync();
        var (_, error) = await Admin.UpdateAsync(actor, self, username, change, CancellationToken.None);
        onFieldError?.Invoke(error);
        if (!Report(error, fieldShown: onFieldError is not null))
        {
            Snackbar.Add(done, Severity.Success);
        }

        // Reload either way: a refused role change must show the role as it is, not as picked.
        await LoadAsync();
        return error is null;
    }

    private bool Report(UserAdminError? error, bool fieldShown)
    {
        if (error is null)
        {
            return false;
        }

        // A form field's own error shows under that field; the toast says only that the form needs a look.
        Snackbar.Add(fieldShown && OnField(error) ? $"{error.Title}: see the highlighted field." : $"{error.Title}: {error.Detail}", Severity.Error);
        return true;
    }

    // The fields the create and reset forms have; "enabled" (disable yourself, the last admin) has no field.
    private static bool OnField(UserAdminError error) => error.Field is "username" or "password" or "role" && error.Status is 422 or 409;

    private static string? ErrorOn(UserAdminError? error, string field) =>
        error is not null && error.Field == field && OnField(error) ? $"{char.ToUpperInvariant(error.Detail[0])}{error.Detail[1..]}" : null;

    private async Task<(string Actor, string? Name)> ActorAsync()
    {
        var user = (await Auth.GetAuthenticationStateAsync()).User;
        return (AuditLog.ActorOf(user), user.Identity?.Name);
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
