using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace SessionAuth.Web.Email;

/// <summary>Where messages go: a mail server (<see cref="SmtpMailTransport"/>) or the pickup directory (<see cref="PickupDirectoryTransport"/>).</summary>
internal interface IMailTransport
{
    /// <summary>One connection for a batch; it throws when the destination cannot be reached at all.</summary>
    Task<IMailConnection> OpenAsync(CancellationToken cancellationToken);
}

internal interface IMailConnection : IAsyncDisposable
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

internal sealed class SmtpMailTransport(IOptions<EmailOptions> options) : IMailTransport
{
    public async Task<IMailConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        // No protocol logger: the transcript would hold every message, links and codes included.
        var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            using var timeout = Deadline(smtp.Timeout, cancellationToken);
            await client.ConnectAsync(smtp.Host!.Trim(), smtp.Port, SocketOptions(smtp.SecurityMode), timeout.Token);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", timeout.Token);
            }

            return new Connection(client, smtp.Timeout);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Each step gets its own deadline, so a server that accepts the connection and then stalls cannot hold the sender.</summary>
    private static CancellationTokenSource Deadline(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(timeout);
        return source;
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.Auto => SecureSocketOptions.Auto,
        _ => SecureSocketOptions.StartTls,
    };

    private sealed class Connection(SmtpClient client, TimeSpan timeout) : IMailConnection
    {
        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            using var deadline = Deadline(timeout, cancellationToken);
            await client.SendAsync(message, deadline.Token);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected)
                {
                    using var deadline = new CancellationTokenSource(timeout);
                    await client.DisconnectAsync(quit: true, deadline.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or MailKit.ProtocolException or SmtpCommandException)
            {
                // The messages went out already; a QUIT that fails changes nothing.
            }
            finally
            {
                client.Dispose();
            }
        }
    }
}

/// <summary>Each message as an .eml file, for a machine without a mail server (dotnet run, a test, a newcomer).</summary>
internal sealed class PickupDirectoryTransport(IOptions<EmailOptions> options, IHostEnvironment environment) : IMailTransport
{
    public string Directory => Path.GetFullPath(options.Value.PickupDirectory, environment.ContentRootPath);

    public Task<IMailConnection> OpenAsync(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        return Task.FromResult<IMailConnection>(new Connection(Directory));
    }

    private sealed class Connection(string directory) : IMailConnection
    {
        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            var name = (message.MessageId ?? Guid.NewGuid().ToString("N")).Split('@')[0];
            var temporary = Path.Combine(directory, $".{name}.tmp");
            await message.WriteToAsync(temporary, cancellationToken);
            // Written aside, then moved: whoever watches the folder never opens half a message.
            File.Move(temporary, Path.Combine(directory, $"{name}.eml"), overwrite: true);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
