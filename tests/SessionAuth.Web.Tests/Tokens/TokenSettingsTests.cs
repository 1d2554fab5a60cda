using System.Diagnostics;
using System.Security.Cryptography;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Tokens;

/// <summary>
/// The built app run as an operator runs it: outside Development a missing, short or unreadable signing
/// key ends start-up with one line naming Tokens:SigningKey (never its value); Development makes one,
/// keeps it in the app's data folder and says so.
/// </summary>
public sealed class TokenSettingsTests
{
    public static TheoryData<string, string?, string> BadKeys => new()
    {
        { "HS256", null, "Tokens:SigningKey is empty" },
        { "HS256", "c2hvcnQtYW5kLXNlY3JldA==", "Tokens:SigningKey is not usable" },
        { "HS256", "this is not base64 at all!", "Tokens:SigningKey is not usable" },
        { "ES256", null, "Tokens:SigningKey is empty" },
        { "ES256", "-----BEGIN EC PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END EC PRIVATE KEY-----", "Tokens:SigningKey cannot be read" },
        { "ES256", TestHost.TokenSigningKey, "Tokens:SigningKey cannot be read" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task OutsideDevelopmentABadSigningKeyEndsStartUpWithOneLine(string algorithm, string? key, string message)
    {
        var run = await RunAsync("Production", new Dictionary<string, string?>
        {
            ["Tokens__Algorithm"] = algorithm,
            ["Tokens__SigningKey"] = key,
        }, waitFor: null);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"Bad setting: {message}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Output + run.Error, StringComparison.Ordinal);
        if (key is not null)
        {
            // The secret part (a PEM's body line) is never echoed.
            Assert.DoesNotContain(key.Contains('\n', StringComparison.Ordinal) ? key.Split('\n')[1] : key, run.Output + run.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnEs256KeyOnAnotherCurveIsRefused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var run = await RunAsync("Production", new Dictionary<string, string?>
        {
            ["Tokens__Algorithm"] = "ES256",
            ["Tokens__SigningKey"] = p384.ExportECPrivateKeyPem(),
        }, waitFor: null);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Bad setting: Tokens:SigningKey is not a P-256 private key", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Tokens__Algorithm", "RS256", "Tokens:Algorithm must be HS256 or ES256")]
    [InlineData("Tokens__AccessTokenLifetime", "00:00:00", "Tokens:AccessTokenLifetime")]
    [InlineData("Tokens__RefreshAbsoluteLifetime", "01:00:00", "Tokens:RefreshAbsoluteLifetime")]
    [InlineData("Api__AllowedOrigins__0", "https://app.example.com/path", "Api:AllowedOrigins:0")]
    public async Task OtherBadTokenSettingsAreOneLineEach(string variable, string value, string message)
    {
        var run = await RunAsync("Production", new Dictionary<string, string?>
        {
            ["Tokens__SigningKey"] = TestHost.TokenSigningKey,
            [variable] = value,
        }, waitFor: null);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HS256", "token-signing-key.hs256.txt")]
    [InlineData("ES256", "token-signing-key.es256.pem")]
    public async Task DevelopmentGeneratesAKeyInTheDataFolderAndSaysSo(string algorithm, string file)
    {
        var run = await RunAsync("Development", new Dictionary<string, string?> { ["Tokens__Algorithm"] = algorithm }, waitFor: "Now listening");

        var path = Path.Combine(run.ContentRoot, "App_Data", file);
        try
        {
            Assert.True(File.Exists(path), run.Output + run.Error);
            Assert.Contains("development key kept in", run.Output, StringComparison.Ordinal);
            Assert.Contains(path, run.Output, StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }

            Assert.DoesNotContain(await File.ReadAllTextAsync(path), run.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(run.ContentRoot, recursive: true);
        }
    }

    private sealed record AppRun(int ExitCode, string Output, string Error, string ContentRoot)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Runs the built app from an empty folder (its content root); with <paramref name="waitFor"/>, stops it once that text is logged.</summary>
    private static async Task<AppRun> RunAsync(string environment, IReadOnlyDictionary<string, string?> settings, string? waitFor)
    {
        var root = Directory.CreateTempSubdirectory("sessionauth-tokens-").FullName;
        var database = Path.Combine(root, "accounts.db");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SessionAuth.Web.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ConnectionStrings__Accounts"] = $"Data Source={database}";
        start.Environment["ConnectionStrings__Redis"] = "";
        // No watcher on appsettings*.json (inotify instances are few): the test host setting, by environment.
        start.Environment["DOTNET_hostBuilder__reloadConfigOnChange"] = "false";
        start.Environment[TestHost.PollingFileWatcher] = "true";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var seen = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (waitFor is not null && e.Data?.Contains(waitFor, StringComparison.Ordinal) == true)
            {
                seen.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await Task.WhenAny(process.WaitForExitAsync(timeout.Token), seen.Task.WaitAsync(timeout.Token));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            if (waitFor is null)
            {
                Directory.Delete(root, recursive: true);
            }
        }

        var errorText = await error;
        lock (output)
        {
            return new AppRun(process.ExitCode, output.ToString(), errorText, root);
        }
    }
}
