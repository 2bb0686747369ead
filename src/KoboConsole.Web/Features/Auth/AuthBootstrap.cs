using KoboConsole.Web.Features.Audit;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Auth;

/// <summary>Creates the bootstrap admin from configuration when no user exists yet.</summary>
public sealed class AuthBootstrap(UserService users, AuditLog audit, IOptions<AuthOptions> options, ILogger<AuthBootstrap> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var b = options.Value.BootstrapAdmin;
        if (string.IsNullOrWhiteSpace(b.Username) || string.IsNullOrEmpty(b.Password))
        {
            if (!await users.AnyUsersAsync(cancellationToken))
            {
                Log.NoUsersYet(logger);
            }

            return;
        }

        var (user, _) = await users.CreateFirstAdminAsync(b.Username, b.Password, cancellationToken);
        if (user is not null)
        {
            Log.BootstrapAdminCreated(logger, user.Username);
            await audit.WriteAsync("configuration", "user.create", user.Username, "succeeded", "bootstrap admin (role admin)", cancellationToken: cancellationToken);
        }
    }
}
