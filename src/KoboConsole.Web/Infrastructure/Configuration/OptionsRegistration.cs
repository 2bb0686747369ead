using System.ComponentModel.DataAnnotations;
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
        services.AddSingleton<IValidateOptions<TOptions>>(new KeyNamingDataAnnotationsValidator<TOptions>(section));
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}

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
