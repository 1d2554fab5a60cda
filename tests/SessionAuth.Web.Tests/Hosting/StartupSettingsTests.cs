using System.Diagnostics;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>
/// The built app, run as a newcomer runs it, with a bad setting: one line per problem on stderr naming
/// the setting, the value and what is allowed, exit code 1, no stack trace, and nothing logged first.
/// </summary>
public sealed class StartupSettingsTests
{
    [Theory]
    [InlineData("Sessions__IdleTimeout", "-5", "Sessions:IdleTimeout", "more than 00:00:00")]
    [InlineData("Sessions__IdleTimeout", "30", "Sessions:IdleTimeout", "a bare number such as 20 is read as days")]
    [InlineData("Sessions__IdleTimeout", "twenty", "Sessions:IdleTimeout", "hh:mm:ss")]
    [InlineData("AccountEndpoints__PermitLimit", "0", "AccountEndpoints:PermitLimit", "between 1 and")]
    [InlineData("AccountEndpoints__MaxRequestBytes", "lots", "AccountEndpoints:MaxRequestBytes", "whole number")]
    [InlineData("Api__RefreshPermitLimit", "0", "Api:RefreshPermitLimit", "between 1 and")]
    [InlineData("Accounts__PasswordResetLifetime", "00:00:00", "Accounts:PasswordResetLifetime", "between 00:00:01 and")]
    [InlineData("Accounts__RequireConfirmedEmail", "maybe", "Accounts:RequireConfirmedEmail", "true or false")]
    [InlineData("Api__RefreshWindow", "00:00:00", "Api:RefreshWindow", "between 00:00:01 and")]
    [InlineData("HTTPS_PORT", "abc", "HTTPS_PORT", "whole number")]
    [InlineData("Hosting__TrustedProxies__0", "nonsense", "Hosting:TrustedProxies:0", "CIDR")]
    [InlineData("Hosting__TrustedProxies__0", "10.0.0.0/33", "Hosting:TrustedProxies:0", "CIDR")]
    [InlineData("Accounts__Provider", "MySql", "Accounts:Provider", "Sqlite (the default) or Postgres")]
    [InlineData("Accounts__Provider", "1", "Accounts:Provider", "Sqlite (the default) or Postgres")]
    [InlineData("Email__Smtp__Port", "70000", "Email:Smtp:Port", "from 1 to 65535")]
    [InlineData("Email__Smtp__Port", "smtp", "Email:Smtp:Port", "whole number")]
    [InlineData("Email__Smtp__Security", "Tls", "Email:Smtp:Security", "None, StartTls (the default), SslOnConnect or Auto")]
    [InlineData("Email__MaxPerRecipientPerHour", "0", "Email:MaxPerRecipientPerHour", "from 1 to 1000")]
    [InlineData("App__PublicUrl", "sa.test", "App:PublicUrl", "absolute http or https URL")]
    public async Task ABadSettingPrintsOneLineAndExitsWithCode1(string variable, string value, string setting, string allowed)
    {
        var run = await RunAppAsync(new Dictionary<string, string> { [variable] = value });

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("Bad setting: ", line, StringComparison.Ordinal);
        Assert.Contains(setting, line, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", line, StringComparison.Ordinal);
        Assert.Contains(allowed, line, StringComparison.Ordinal);
        AssertNoCrashAndNoStartupLog(run);
    }

    [Theory]
    [InlineData("Sessions__CookieKey", "c2hvcnQtYW5kLXNlY3JldA==", "Sessions:CookieKey")]
    [InlineData("Sessions__PreviousCookieKeys__0", "bm90LWEta2V5LWVpdGhlcg==", "Sessions:PreviousCookieKeys:0")]
    public async Task ABadSecretIsNamedButNeverEchoed(string variable, string value, string setting)
    {
        var run = await RunAppAsync(new Dictionary<string, string> { [variable] = value });

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains(setting, line, StringComparison.Ordinal);
        Assert.DoesNotContain(value, run.Output + run.Error, StringComparison.Ordinal);
        AssertNoCrashAndNoStartupLog(run);
    }

    [Theory]
    [InlineData("ConnectionStrings__Accounts", "", "ConnectionStrings:Accounts is empty")]
    [InlineData("ConnectionStrings__Accounts", "Data Sorce=x.db;Pasword=hunter2-secret", "ConnectionStrings:Accounts is not a SQLite connection string")]
    [InlineData("ConnectionStrings__Redis", "127.0.0.1:6379,pasword=hunter2-secret", "ConnectionStrings:Redis is not a StackExchange.Redis configuration string")]
    public async Task AnUnusableConnectionStringIsABadSettingNotACrash(string variable, string value, string message)
    {
        var run = await RunAppAsync(new Dictionary<string, string> { [variable] = value });

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"Bad setting: {message}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", run.Output + run.Error, StringComparison.Ordinal);
        AssertNoCrashAndNoStartupLog(run);
    }

    [Theory]
    [InlineData("Data Source=/proc/sessionauth-cannot-be-here.db")]
    [InlineData("Data Source=/etc/hostname")]
    public async Task ADatabaseThatCannotBeOpenedEndsStartUpWithOneLine(string connectionString)
    {
        var run = await RunAppAsync(new Dictionary<string, string> { ["ConnectionStrings__Accounts"] = connectionString });

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("Bad setting: ConnectionStrings:Accounts names a database the app cannot open", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.Output + run.Error, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?m)^\s+at ", run.Output + run.Error);
    }

    [Fact]
    public async Task AMailServerWithoutAPublicUrlOutsideDevelopmentIsOneBadSettingAndThePasswordIsNeverEchoed()
    {
        var run = await RunAppAsync(new Dictionary<string, string>
        {
            ["Email__Smtp__Host"] = "smtp.sa.test",
            ["Email__From"] = "no-reply@sa.test",
            ["Email__Smtp__UserName"] = "app",
            ["Email__Smtp__Password"] = "hunter2-smtp-secret",
        });

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("Bad setting: App:PublicUrl is required outside Development when Email:Smtp:Host is set", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-smtp-secret", run.Output + run.Error, StringComparison.Ordinal);
        AssertNoCrashAndNoStartupLog(run);
    }

    [Fact]
    public async Task ASmtpPasswordInABadSettingIsNamedButNeverEchoed()
    {
        var run = await RunAppAsync(new Dictionary<string, string>
        {
            ["Email__Smtp__Host"] = "smtp.sa.test",
            ["Email__From"] = "no-reply@sa.test",
            ["App__PublicUrl"] = "https://sa.test",
            ["Email__Smtp__Password"] = "hunter2-smtp-secret",
        });

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("Email:Smtp:Password", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-smtp-secret", run.Output + run.Error, StringComparison.Ordinal);
        AssertNoCrashAndNoStartupLog(run);
    }

    [Fact]
    public async Task SeveralBadSettingsAreEachReportedOnTheirOwnLine()
    {
        var run = await RunAppAsync(new Dictionary<string, string>
        {
            ["Sessions__IdleTimeout"] = "-5",
            ["AccountEndpoints__PermitLimit"] = "0",
            ["Hosting__TrustedProxies__0"] = "nonsense",
        });

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(3, run.ErrorLines.Length);
        Assert.Contains(run.ErrorLines, l => l.Contains("Sessions:IdleTimeout", StringComparison.Ordinal));
        Assert.Contains(run.ErrorLines, l => l.Contains("AccountEndpoints:PermitLimit", StringComparison.Ordinal));
        Assert.Contains(run.ErrorLines, l => l.Contains("Hosting:TrustedProxies:0", StringComparison.Ordinal));
        AssertNoCrashAndNoStartupLog(run);
    }

    private static void AssertNoCrashAndNoStartupLog(AppRun run)
    {
        var all = run.Output + run.Error;
        Assert.DoesNotContain("Unhandled exception", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", all, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?m)^\s+at ", all);
        // Not even the start-up log (migration, store selection, "Now listening") began.
        Assert.Equal("", run.Output.Trim());
    }

    private sealed record AppRun(int ExitCode, string Output, string Error)
    {
        public string[] ErrorLines =>
            Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static async Task<AppRun> RunAppAsync(IReadOnlyDictionary<string, string> settings)
    {
        var database = TestHost.NewDatabasePath("startup");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SessionAuth.Web.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ConnectionStrings__Accounts"] = $"Data Source={database}";
        start.Environment["ConnectionStrings__Redis"] = "";
        // No watcher on appsettings*.json (inotify instances are few): the test host setting, by environment.
        start.Environment["DOTNET_hostBuilder__reloadConfigOnChange"] = "false";
        start.Environment[TestHost.PollingFileWatcher] = "true";
        start.Environment["Tokens__SigningKey"] = TestHost.TokenSigningKey;
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The app did not stop within 60 s: the bad setting was not refused at start-up.");
        }
        finally
        {
            TestHost.DeleteDatabase(database);
        }

        return new AppRun(process.ExitCode, await output, await error);
    }
}
