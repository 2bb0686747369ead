using System.Collections;
using System.Reflection;

namespace KoboConsole.Web.Infrastructure.Configuration;

/// <summary>
/// Knows every configuration key the console reads (from its options classes) and names the
/// <c>KoboConsole__*</c> environment variables that match none of them: a typo there would
/// otherwise be ignored silently.
/// </summary>
public sealed class ConfigurationKeys
{
    public const string EnvPrefix = "KoboConsole__";
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase);

    public ConfigurationKeys Add<TOptions>(string section)
    {
        AddType(typeof(TOptions), section, depth: 0);
        return this;
    }

    /// <summary>The keys of every section the modules registered (<see cref="OptionsRegistration.AddOptionsSection{TOptions}"/>).</summary>
    public static ConfigurationKeys From(IEnumerable<OptionsSection> sections)
    {
        var keys = new ConfigurationKeys();
        foreach (var s in sections)
        {
            keys.AddType(s.OptionsType, s.Section, depth: 0);
        }

        return keys;
    }

    public IReadOnlyCollection<string> Known => _known;

    /// <summary>The environment variable names (as given) that no options class reads.</summary>
    public IReadOnlyList<string> FindUnknown(IEnumerable<string> environmentVariableNames)
    {
        var unknown = new List<string>();
        foreach (var name in environmentVariableNames)
        {
            if (!name.StartsWith(EnvPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // KoboConsole__Docker__Hosts__0__Endpoint -> KoboConsole:Docker:Hosts:*:Endpoint
            var parts = name.Split("__").Select(p => p.All(char.IsAsciiDigit) ? "*" : p);
            if (!_known.Contains(string.Join(':', parts)))
            {
                unknown.Add(name);
            }
        }

        return unknown;
    }

    private void AddType(Type type, string prefix, int depth)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite || IsCollection(p.PropertyType)))
        {
            var key = $"{prefix}:{property.Name}";
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsLeaf(t))
            {
                _known.Add(key);
            }
            else if (IsCollection(t))
            {
                var element = t.IsArray ? t.GetElementType()! : t.GetGenericArguments().LastOrDefault() ?? typeof(string);
                if (IsLeaf(element))
                {
                    _known.Add($"{key}:*");
                }
                else if (depth < 5)
                {
                    AddType(element, $"{key}:*", depth + 1);
                }
            }
            else if (depth < 5)
            {
                AddType(t, key, depth + 1);
            }
        }
    }

    private static bool IsLeaf(Type t) => t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal)
        || t == typeof(TimeSpan) || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(Uri);

    private static bool IsCollection(Type t) => t != typeof(string) && typeof(IEnumerable).IsAssignableFrom(t);
}
