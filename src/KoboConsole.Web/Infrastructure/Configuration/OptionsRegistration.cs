using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Infrastructure.Configuration;

public static class OptionsRegistration
{
    /// <summary>
    /// Binds a section and validates it when the app starts, with messages that name the full
    /// configuration key (ValidateDataAnnotations names only the property).
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, string section)
        where TOptions : class
    {
        services.AddOptionsSection<TOptions>(section);
        services.AddSingleton<IValidateOptions<TOptions>>(new KeyNamingDataAnnotationsValidator<TOptions>(section));
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>
    /// Records that <typeparamref name="TOptions"/> is read from <paramref name="section"/>, for options
    /// bound another way. The registrations are the one list of the console's settings:
    /// <see cref="ConfigurationKeys"/> is built from them, so a module that binds a section is all it takes.
    /// </summary>
    public static IServiceCollection AddOptionsSection<TOptions>(this IServiceCollection services, string section)
        where TOptions : class
    {
        services.AddSingleton(new OptionsSection(typeof(TOptions), section));
        services.TryAddSingleton(sp => ConfigurationKeys.From(sp.GetServices<OptionsSection>()));
        return services;
    }
}

/// <summary>An options type and the configuration section it is bound to.</summary>
public sealed record OptionsSection(Type OptionsType, string Section);

internal sealed class KeyNamingDataAnnotationsValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        // Values are never echoed: some of them are secrets.
        return ValidateOptionsResult.Fail(results.Select(r =>
            $"{section}:{string.Join(',', r.MemberNames)}: {r.ErrorMessage}"));
    }
}
