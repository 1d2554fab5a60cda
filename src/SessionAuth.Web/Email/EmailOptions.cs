namespace SessionAuth.Web.Email;

/// <summary>Mail delivery (section "Email"); checked on start by <see cref="EmailOptionsValidator"/>.</summary>
public sealed class EmailOptions
{
    public const string SectionName = "Email";

    /// <summary>The mail server; without <see cref="SmtpOptions.Host"/> messages go to <see cref="PickupDirectory"/>.</summary>
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>The From address (<c>no-reply@example.com</c> or <c>SessionAuth &lt;no-reply@example.com&gt;</c>); required with a host.</summary>
    public string? From { get; set; }

    /// <summary>Where each message is written as an .eml file when no mail server is set (relative to the content root).</summary>
    public string PickupDirectory { get; set; } = "App_Data/mail";

    /// <summary>Attempts before a message is marked failed and logged as an error.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Sent (and failed) rows are deleted this many days after they finished.</summary>
    public int RetentionDays { get; set; } = 7;

    /// <summary>At most this many mails of the capped kinds (<see cref="MailKinds.IsCapped"/>) go to one address per hour.</summary>
    public int MaxPerRecipientPerHour { get; set; } = 5;

    /// <summary>The wait after the first failure; it doubles after each later one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the sender looks for messages queued by other instances (its own wake it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    internal const string DefaultFromForPickup = "SessionAuth <no-reply@localhost>";

    internal bool UsesSmtp => !string.IsNullOrWhiteSpace(Smtp.Host);
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>None | StartTls | SslOnConnect | Auto (names only).</summary>
    public string Security { get; set; } = nameof(SmtpSecurity.StartTls);

    public string? UserName { get; set; }

    /// <summary>Never logged or echoed, not even in a bad-setting line.</summary>
    public string? Password { get; set; }

    /// <summary>Connect, authenticate and send must each finish within this; a stalled server is a retry, not a stuck sender.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    internal SmtpSecurity SecurityMode =>
        Enum.GetValues<SmtpSecurity>().First(mode => string.Equals(mode.ToString(), Security.Trim(), StringComparison.OrdinalIgnoreCase));
}

public enum SmtpSecurity
{
    None,
    StartTls,
    SslOnConnect,
    Auto,
}

/// <summary>Facts about the public face of the app (section "App").</summary>
public sealed class AppOptions
{
    public const string SectionName = "App";

    /// <summary>The absolute http(s) URL people reach the app at (<c>https://auth.example.com</c>); links in mail start with it.</summary>
    public string? PublicUrl { get; set; }
}
