using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Dapper;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Features.Checks.Alerts;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Settings;

/// <summary>One setting an admin may change on the settings page: its key, what it is, and its options type's valid range.</summary>
public sealed record EditableSetting(string Key, string Label, string Unit, int Min, int Max);

/// <summary>
/// The check intervals and thresholds an admin changes on the settings page: stored in the console's
/// database (<c>console_settings</c>), layered over every other configuration source by
/// <see cref="PageSettingsProvider"/> so they take effect without a restart, and audited.
/// </summary>
public sealed class PageSettings(ConsoleDb db, PageSettingsProvider provider, AuditLog audit, TimeProvider time)
{
    public static readonly IReadOnlyList<EditableSetting> Editable = Build();

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<(string Key, string Value)>(new CommandDefinition("SELECT key AS Key, value AS Value FROM console_settings", cancellationToken: cancellationToken));
        provider.Replace(rows.Where(r => Editable.Any(e => e.Key == r.Key)).ToDictionary(r => r.Key, r => (string?)r.Value, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Stores <paramref name="values"/> (null: back to the configured value) once each is a whole
    /// number in its range; returns the errors per key otherwise, and stores nothing.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> SaveAsync(IReadOnlyDictionary<string, int?> values, string actor, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            if (Editable.FirstOrDefault(e => e.Key == key) is not { } setting)
            {
                errors[key] = "cannot be changed on the page: set it in the configuration.";
            }
            else if (value is { } v && (v < setting.Min || v > setting.Max))
            {
                errors[key] = $"must be between {setting.Min} and {setting.Max} {setting.Unit}.";
            }
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var at = time.GetUtcNow().ToUnixTimeMilliseconds();
        var current = provider.Values;
        var changed = values.Where(kv => current.GetValueOrDefault(kv.Key) != kv.Value?.ToString(CultureInfo.InvariantCulture)).ToList();
        await using (var c = await db.OpenAsync(cancellationToken))
        {
            foreach (var (key, value) in changed)
            {
                await c.ExecuteAsync(new CommandDefinition(
                    value is null
                        ? "DELETE FROM console_settings WHERE key = @key"
                        : "INSERT INTO console_settings (key, value, updated_at, updated_by) VALUES (@key, @value, @at, @actor) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                    new { key, value = value?.ToString(CultureInfo.InvariantCulture), at, actor }, cancellationToken: cancellationToken));
            }
        }

        foreach (var (key, value) in changed)
        {
            await audit.WriteAsync(actor, "settings.change", key, "ok",
                $"{current.GetValueOrDefault(key) ?? "(configured value)"} -> {value?.ToString(CultureInfo.InvariantCulture) ?? "(configured value)"}", null, cancellationToken);
        }

        await LoadAsync(cancellationToken);
        return errors;
    }

    private static List<EditableSetting> Build()
    {
        var list = new List<EditableSetting>();
        void Add<T>(string section, string property, string label, string unit)
        {
            var range = typeof(T).GetProperty(property)!.GetCustomAttributes(typeof(RangeAttribute), false).OfType<RangeAttribute>().Single();
            list.Add(new EditableSetting($"{section}:{property}", label, unit, (int)range.Minimum, (int)range.Maximum));
        }

        Add<ChecksOptions>(ChecksOptions.Section, nameof(ChecksOptions.ServiceIntervalSeconds), "Service checks every", "seconds");
        Add<ChecksOptions>(ChecksOptions.Section, nameof(ChecksOptions.DataIntervalSeconds), "Data-protection checks every", "seconds");
        Add<ChecksOptions>(ChecksOptions.Section, nameof(ChecksOptions.CapacityIntervalSeconds), "Capacity checks every", "seconds");
        Add<ChecksOptions>(ChecksOptions.Section, nameof(ChecksOptions.RestartLoopCount), "Restart loop: more restarts than", "restarts");
        Add<ChecksOptions>(ChecksOptions.Section, nameof(ChecksOptions.RestartLoopMinutes), "Restart loop: within", "minutes");
        Add<ChecksOptions>(ChecksOptions.Section, nameof(ChecksOptions.DiskWarningPercent), "Disk warning at", "% used");
        Add<ChecksOptions>(ChecksOptions.Section, nameof(ChecksOptions.DiskFailingPercent), "Disk failing at", "% used");
        Add<ChecksOptions>(ChecksOptions.Section, nameof(ChecksOptions.RunOutWarningDays), "Disk warning when full within", "days");
        Add<ChecksOptions>(ChecksOptions.Section, nameof(ChecksOptions.RunOutFailingDays), "Disk failing when full within", "days");
        Add<ChecksOptions>(ChecksOptions.Section, nameof(ChecksOptions.RedisMemoryWarningPercent), "Redis memory warning at", "% of maxmemory");
        Add<ChecksOptions>(ChecksOptions.Section, nameof(ChecksOptions.RedisMemoryFailingPercent), "Redis memory failing at", "% of maxmemory");
        Add<ChecksOptions>(ChecksOptions.Section, nameof(ChecksOptions.PostgresConnectionsWarningPercent), "PostgreSQL connections warning at", "% of max_connections");
        Add<ChecksOptions>(ChecksOptions.Section, nameof(ChecksOptions.PostgresConnectionsFailingPercent), "PostgreSQL connections failing at", "% of max_connections");
        Add<ChecksOptions>(ChecksOptions.Section, nameof(ChecksOptions.RetentionDays), "Keep check history for", "days");
        Add<AlertsOptions>(AlertsOptions.Section, nameof(AlertsOptions.GraceChecks), "Alert after the state held for", "checks");
        Add<AlertsOptions>(AlertsOptions.Section, nameof(AlertsOptions.ReminderHours), "Remind while failing every (0: never)", "hours");
        Add<AlertsOptions>(AlertsOptions.Section, nameof(AlertsOptions.DeliveryAttempts), "Delivery attempts per alert", "attempts");
        Add<AlertsOptions>(AlertsOptions.Section, nameof(AlertsOptions.RetryDelaySeconds), "First retry after", "seconds");
        return list;
    }
}

/// <summary>The page's values as a configuration source, added last so they win over files and the environment; reloads the options on change.</summary>
public sealed class PageSettingsProvider : ConfigurationProvider, IConfigurationSource
{
    public IReadOnlyDictionary<string, string?> Values => new Dictionary<string, string?>(Data, StringComparer.OrdinalIgnoreCase);

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public void Replace(IDictionary<string, string?> values)
    {
        if (values.Count == Data.Count && values.All(kv => Data.TryGetValue(kv.Key, out var v) && v == kv.Value))
        {
            return;
        }

        Data = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
        OnReload();
    }
}

internal sealed class SettingsMigrations : IMigrationSource
{
    public IEnumerable<MigrationStep> Steps =>
    [
        new("2026-12-07.61-console-settings", "CREATE TABLE console_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at BIGINT NOT NULL, updated_by TEXT NOT NULL);"),
    ];
}
