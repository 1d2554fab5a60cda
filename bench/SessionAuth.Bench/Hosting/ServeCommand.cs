using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SessionAuth.Bench.Hosting;

/// <summary>
/// `SessionAuth.Bench.dll --serve MODE --port N`: one copy of the app in one mode, until SIGTERM or
/// SIGINT. The bench starts one such process per mode, so each has its own CPU time and GC.
/// </summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(AuthMode mode, int port)
    {
        await using var app = new BenchApplication(mode, port);
        app.StartServer();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Console.WriteLine($"Serving {mode.Name()} on {string.Join(", ", addresses)}");

        var stopped = new TaskCompletionSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stopped.TrySetResult();
        });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            stopped.TrySetResult();
        });
        await stopped.Task;
        return 0;
    }
}
