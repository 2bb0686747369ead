using System.ComponentModel.DataAnnotations;

namespace KoboConsole.Web.Features.Auth;

public sealed class AuthOptions
{
    public const string Section = "KoboConsole:Auth";

    /// <summary>Created at start when no user exists yet (both fields set).</summary>
    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();

    /// <summary>Failed logins in a row before the account is locked.</summary>
    [Range(1, 100)]
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    [Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>How long a browser login lasts without activity.</summary>
    [Range(1, 720)]
    public int SessionHours { get; set; } = 8;
}

public sealed class BootstrapAdminOptions
{
    public string? Username { get; set; }

    public string? Password { get; set; }
}

internal sealed class AuthOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<AuthOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        var b = options.BootstrapAdmin;
        var hasUser = !string.IsNullOrWhiteSpace(b.Username);
        var hasPassword = !string.IsNullOrEmpty(b.Password);
        if (hasUser != hasPassword)
        {
            failures.Add($"{AuthOptions.Section}:BootstrapAdmin: set both Username and Password, or neither.");
        }

        if (hasUser && UserRules.ValidateUsername(b.Username!) is { } userError)
        {
            failures.Add($"{AuthOptions.Section}:BootstrapAdmin:Username: {userError}");
        }

        if (hasPassword && UserRules.ValidatePassword(b.Password!) is { } passwordError)
        {
            // Never echo the value: it is a secret.
            failures.Add($"{AuthOptions.Section}:BootstrapAdmin:Password: {passwordError}");
        }

        return failures.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }
}
