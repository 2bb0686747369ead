namespace KoboConsole.Web.Features.Hosts;

public static class HostsModule
{
    public static WebApplicationBuilder AddHosts(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<HostStatusService>();
        return builder;
    }
}
