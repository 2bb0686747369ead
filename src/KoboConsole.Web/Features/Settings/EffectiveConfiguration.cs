using System.Reflection;
using System.Text.RegularExpressions;
using KoboConsole.Web.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace KoboConsole.Web.Features.Settings;

/// <summary>One key as the console runs with it: the value (secrets masked) and where it comes from.</summary>
public sealed record EffectiveSetting(string Key, string? Value, string Source, bool Secret);

/// <summary>
/// Every key the console reads (from the options sections the modules bind), with its value and its
/// source: default, file, environment, page (or the command line, or a test's in-memory settings).
/// Secrets (passwords, secret keys, connection strings, hook URLs) are shown as set or not, never their value.
/// </summary>
public sealed partial class EffectiveConfiguration(IConfiguration configuration, IEnumerable<OptionsSection> sections)
{
    public const string Hidden = "(set, hidden)";

    public IReadOnlyList<EffectiveSetting> Read()
    {
        var root = configuration as IConfigurationRoot;
        var list = new List<EffectiveSetting>();
        foreach (var s in sections.DistinctBy(s => s.Section))
        {
            var defaults = s.OptionsType.GetConstructor(Type.EmptyTypes) is null ? null : Activator.CreateInstance(s.OptionsType);
            foreach (var (key, leaf) in Keys(s.OptionsType, s.Section, configuration.GetSection(s.Section), depth: 0))
            {
                var secret = IsSecret(key);
                var provider = root?.Providers.LastOrDefault(p => p.TryGet(key, out _));
                var value = configuration[key];
                if (provider is null)
                {
                    var d = defaults is null || leaf is null ? null : Format(leaf.GetValue(Navigate(defaults, s.Section, key)));
                    list.Add(new EffectiveSetting(key, secret && d is not null ? Hidden : d, "default", secret));
                }
                else
                {
                    list.Add(new EffectiveSetting(key, secret && !string.IsNullOrEmpty(value) ? Hidden : value, SourceOf(provider), secret));
                }
            }
        }

        return list;
    }

    public static string SourceOf(IConfigurationProvider provider) => provider switch
    {
        PageSettingsProvider => "page",
        EnvironmentVariablesConfigurationProvider => "environment",
        JsonConfigurationProvider j => $"file ({Path.GetFileName(j.Source.Path)})",
        FileConfigurationProvider f => $"file ({Path.GetFileName(f.Source.Path)})",
        MemoryConfigurationProvider => "in memory",
        _ when provider.GetType().Name.StartsWith("CommandLine", StringComparison.Ordinal) => "command line",
        _ when provider.GetType().Name.StartsWith("KeyPerFile", StringComparison.Ordinal) => "file",
        _ => provider.GetType().Name,
    };

    public static bool IsSecret(string key)
    {
        var last = key[(key.LastIndexOf(':') + 1)..];
        return !last.EndsWith("File", StringComparison.OrdinalIgnoreCase) && !last.EndsWith("Path", StringComparison.OrdinalIgnoreCase) && SecretName().IsMatch(last)
            || last.EndsWith("WebhookUrl", StringComparison.OrdinalIgnoreCase)
            || ChannelUrl().IsMatch(key);
    }

    // Leaves of the options type, list items expanded from what the configuration holds.
    private static IEnumerable<(string Key, PropertyInfo? Leaf)> Keys(Type type, string prefix, IConfigurationSection section, int depth)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite || IsList(p.PropertyType)))
        {
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            var key = $"{prefix}:{p.Name}";
            if (IsLeaf(t))
            {
                yield return (key, p);
            }
            else if (IsList(t) && depth < 4)
            {
                var element = t.IsArray ? t.GetElementType()! : t.GetGenericArguments().Last();
                foreach (var item in section.GetSection(p.Name).GetChildren())
                {
                    var results = IsLeaf(element) ? [($"{key}:{item.Key}", (PropertyInfo?)null)] : Keys(element, $"{key}:{item.Key}", item, depth + 1).Select(k => (k.Key, (PropertyInfo?)null));
                    foreach (var r in results)
                    {
                        yield return r;
                    }
                }
            }
            else if (depth < 4)
            {
                foreach (var k in Keys(t, key, section.GetSection(p.Name), depth + 1))
                {
                    yield return k;
                }
            }
        }
    }

    // The object holding the leaf of <key> in the defaults (nested options classes).
    private static object? Navigate(object defaults, string section, string key)
    {
        var parts = key[(section.Length + 1)..].Split(':');
        object? current = defaults;
        foreach (var part in parts[..^1])
        {
            current = current?.GetType().GetProperty(part)?.GetValue(current);
        }

        return current;
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static bool IsLeaf(Type t) => t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri);

    private static bool IsList(Type t) => t != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(t);

    [GeneratedRegex("(Password|Secret|ConnectionString|Token|AccessKey)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@":Alerts:Channels:\d+:Url$", RegexOptions.IgnoreCase)]
    private static partial Regex ChannelUrl();
}
