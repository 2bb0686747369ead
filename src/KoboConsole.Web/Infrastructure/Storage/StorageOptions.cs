using System.ComponentModel.DataAnnotations;

namespace KoboConsole.Web.Infrastructure.Storage;

public enum StorageProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary>Where the console keeps its own data (users, tokens, runs, audit, settings, Hangfire).</summary>
public sealed class StorageOptions
{
    public const string Section = "KoboConsole:Storage";

    /// <summary>Sqlite (embedded, the default) or PostgreSql (for several console instances).</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Folder for the SQLite files, Data Protection keys and disk backups by default.
    /// Relative paths are taken from the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = ".data";

    /// <summary>Npgsql connection string; required when Provider is PostgreSql.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>A PKCS#12 (.pfx) certificate that encrypts the Data Protection keys stored in the database (optional; kept apart from the data).</summary>
    public string? KeyEncryptionCertificatePath { get; set; }

    /// <summary>The password of that certificate file (a secret: from the environment or a secret file).</summary>
    public string? KeyEncryptionCertificatePassword { get; set; }
}

internal sealed class StorageOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<StorageOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (options.Provider == StorageProvider.PostgreSql)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                failures.Add($"{StorageOptions.Section}:ConnectionString: required when {StorageOptions.Section}:Provider is PostgreSql; " +
                    "set it to an Npgsql connection string such as 'Host=db;Database=koboconsole;Username=console;Password=...'.");
            }
            else
            {
                try
                {
                    _ = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
                }
                catch (ArgumentException ex)
                {
                    failures.Add($"{StorageOptions.Section}:ConnectionString: not a valid Npgsql connection string ({ex.Message}).");
                }
            }
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{StorageOptions.Section}:DataDirectory: must name a writable folder.");
        }

        failures.AddRange(KeyEncryption.Problems(options));

        return failures.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }
}
