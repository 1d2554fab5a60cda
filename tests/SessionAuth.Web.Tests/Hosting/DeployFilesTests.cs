using System.Diagnostics;
using System.Text.RegularExpressions;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Hosting;

/// <summary>
/// Docker cannot run on CI, so the deploy files are checked by the tools that read them: Debian's
/// docker-compose (<c>config</c> validates and resolves the file) and nginx (<c>-t</c>).
/// </summary>
public sealed partial class DeployFilesTests
{
    private static readonly Dictionary<string, string> PlaceholderSecrets = new()
    {
        ["POSTGRES_PASSWORD"] = "placeholder-password",
        ["SESSIONS_COOKIE_KEY"] = "cGxhY2Vob2xkZXItY29va2llLWtleS0zMi1ieXRlcyE=",
        ["TOKENS_SIGNING_KEY"] = "cGxhY2Vob2xkZXItc2lnbmluZy1rZXktMzItYnl0ZXM=",
    };

    [Fact]
    public async Task DockerComposeAcceptsTheFileWithRedisAofPostgresTwoAppsAndNginx()
    {
        var run = await RunAsync(Tool("docker-compose", "docker-compose"), ["-f", "docker-compose.yml", "config"], PlaceholderSecrets);

        Assert.True(run.ExitCode == 0, $"docker-compose config failed:\n{run.Error}");
        var config = run.Output;
        foreach (var service in new[] { "redis", "postgres", "app1", "app2", "nginx" })
        {
            Assert.Matches(new Regex($"(?m)^  {service}:$"), config);
        }

        Assert.Contains("--appendonly", config, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(config, "Accounts__Provider: Postgres"));
        Assert.Equal(2, Regex.Count(config, "ConnectionStrings__Accounts: Host=postgres;"));
        Assert.Equal(2, Regex.Count(config, "ConnectionStrings__Redis: redis:6379"));
        Assert.Equal(2, Regex.Count(config, "/health/ready"));
        // Both instances share one cookie key and one token key, or each would refuse the other's.
        Assert.Equal(2, Regex.Count(config, Regex.Escape(PlaceholderSecrets["SESSIONS_COOKIE_KEY"])));
        Assert.Equal(2, Regex.Count(config, Regex.Escape(PlaceholderSecrets["TOKENS_SIGNING_KEY"])));
    }

    [Fact]
    public async Task DockerComposeRefusesToRunWithoutTheSecretsInsteadOfUsingCommittedOnes()
    {
        var run = await RunAsync(Tool("docker-compose", "docker-compose"), ["-f", "docker-compose.yml", "config"], new Dictionary<string, string>());

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("POSTGRES_PASSWORD", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void NginxTrustedByTheAppsIsTheAddressNginxHasAndItSendsTheForwardedHeaders()
    {
        var compose = File.ReadAllText(Path.Combine(RepositoryRoot, "docker-compose.yml"));
        var nginx = File.ReadAllText(Path.Combine(RepositoryRoot, "deploy", "nginx.conf"));

        var trusted = TrustedProxy().Match(compose).Groups[1].Value;
        Assert.Contains($"ipv4_address: {trusted}", compose, StringComparison.Ordinal);
        Assert.Contains("server app1:8080", nginx, StringComparison.Ordinal);
        Assert.Contains("server app2:8080", nginx, StringComparison.Ordinal);
        Assert.Contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;", nginx, StringComparison.Ordinal);
        Assert.Contains("proxy_set_header X-Forwarded-Proto $scheme;", nginx, StringComparison.Ordinal);
        Assert.DoesNotContain("ip_hash", nginx, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NginxAcceptsTheConfigWithItsUpstreamsOnLoopback()
    {
        var nginx = Tool("nginx", "nginx");
        var folder = Directory.CreateTempSubdirectory("sessionauth-nginx-").FullName;
        try
        {
            // nginx -t resolves upstream names; app1 and app2 exist only on the compose network.
            var config = File.ReadAllText(Path.Combine(RepositoryRoot, "deploy", "nginx.conf"))
                .Replace("server app1:8080", "server 127.0.0.1:18081", StringComparison.Ordinal)
                .Replace("server app2:8080", "server 127.0.0.1:18082", StringComparison.Ordinal);
            var copy = Path.Combine(folder, "nginx.conf");
            File.WriteAllText(copy, config);

            var run = await RunAsync(nginx, ["-t", "-c", copy, "-e", Path.Combine(folder, "error.log"), "-g", $"pid {Path.Combine(folder, "nginx.pid")};"]);

            Assert.True(run.ExitCode == 0, $"nginx -t failed:\n{run.Error}");
            Assert.Contains("test is successful", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TheImageRunsAsTheNonRootUserFromTheSmallRuntimeImage()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(RepositoryRoot, "Dockerfile"));

        var final = dockerfile.SkipWhile(line => !line.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(final);
        Assert.Single(final, line => line.StartsWith("FROM ", StringComparison.Ordinal));
        Assert.Contains("USER $APP_UID", final);
        Assert.True(final.IndexOf("USER $APP_UID") < final.FindIndex(line => line.StartsWith("ENTRYPOINT", StringComparison.Ordinal)));
    }

    private static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "SessionAuth.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("SessionAuth.sln not found above the test output folder.");
        }
    }

    /// <summary>The program's path, or a failure saying how to get it; never a skip.</summary>
    private static string Tool(string program, string package)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/usr/local/sbin")
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);
        Assert.True(path is not null,
            $"{program} was not found. Install Debian's package (`apt-get install -y {package}`) or run `bash scripts/test.sh`, which installs it.");
        return path!;
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in PlaceholderSecrets.Keys.Append("OTEL_EXPORTER_OTLP_ENDPOINT"))
        {
            start.Environment.Remove(name);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [GeneratedRegex(@"Hosting__TrustedProxies__0:\s*([0-9.]+)")]
    private static partial Regex TrustedProxy();
}
