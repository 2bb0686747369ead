using KoboConsole.Web.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Infrastructure.Docker;

public static class DockerModule
{
    /// <summary>Registers <see cref="IDockerHosts"/> and validates <c>KoboConsole:Docker</c> at start.</summary>
    public static WebApplicationBuilder AddDocker(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDockerServices();
        return builder;
    }

    /// <summary>The registrations behind <see cref="AddDocker"/>, for hosts that are not web apps (tests).</summary>
    internal static IServiceCollection AddDockerServices(this IServiceCollection services)
    {
        services.AddOptionsSection<DockerOptions>(DockerOptions.SectionName);
        services.AddOptions<DockerOptions>()
            .BindConfiguration(DockerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<DockerOptions>, DockerOptionsDefaults>();
        services.AddSingleton<IValidateOptions<DockerOptions>, DockerOptionsValidator>();
        services.AddSingleton<DockerHosts>();
        services.AddSingleton<IDockerHosts>(sp => sp.GetRequiredService<DockerHosts>());
        return services;
    }
}
