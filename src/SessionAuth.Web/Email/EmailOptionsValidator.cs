using Microsoft.Extensions.Options;
using MimeKit;

namespace SessionAuth.Web.Email;

/// <summary>Each message names the setting and what is allowed; <c>BadSettings</c> adds the value, except a password's.</summary>
internal sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var failures = new List<string>();
        var smtp = options.Smtp;
        if (options.UsesSmtp)
        {
            if (Uri.CheckHostName(smtp.Host!.Trim()) == UriHostNameType.Unknown)
            {
                failures.Add("Email:Smtp:Host must be a host name or IP address, e.g. smtp.example.com.");
            }

            if (string.IsNullOrWhiteSpace(options.From))
            {
                failures.Add("Email:From is required when Email:Smtp:Host is set, e.g. 'SessionAuth <no-reply@example.com>'.");
            }

            if (string.IsNullOrEmpty(smtp.UserName) != string.IsNullOrEmpty(smtp.Password))
            {
                failures.Add("Email:Smtp:UserName and Email:Smtp:Password go together: set both to authenticate, or neither.");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.From) && !IsMailbox(options.From))
        {
            failures.Add("Email:From must be one address, e.g. no-reply@example.com or 'SessionAuth <no-reply@example.com>'.");
        }

        if (smtp.Port is < 1 or > 65535)
        {
            failures.Add("Email:Smtp:Port must be a TCP port from 1 to 65535 (587 for StartTls, 465 for SslOnConnect).");
        }

        if (!Enum.GetNames<SmtpSecurity>().Contains(smtp.Security.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            failures.Add("Email:Smtp:Security must be None, StartTls (the default), SslOnConnect or Auto.");
        }

        if (smtp.Timeout < TimeSpan.FromSeconds(1) || smtp.Timeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("Email:Smtp:Timeout must be between 1 second and 5 minutes.");
        }

        if (string.IsNullOrWhiteSpace(options.PickupDirectory))
        {
            failures.Add("Email:PickupDirectory must name a directory (the default is App_Data/mail).");
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            failures.Add("Email:MaxAttempts must be a whole number from 1 to 100.");
        }

        if (options.RetentionDays is < 1 or > 3650)
        {
            failures.Add("Email:RetentionDays must be a whole number of days from 1 to 3650.");
        }

        if (options.MaxPerRecipientPerHour is < 1 or > 1000)
        {
            failures.Add("Email:MaxPerRecipientPerHour must be a whole number from 1 to 1000.");
        }

        if (options.RetryDelay < TimeSpan.FromMilliseconds(10) || options.RetryDelay > TimeSpan.FromDays(1))
        {
            failures.Add("Email:RetryDelay must be between 10 milliseconds and 1 day.");
        }

        if (options.MaxRetryDelay < options.RetryDelay || options.MaxRetryDelay > TimeSpan.FromDays(1))
        {
            failures.Add("Email:MaxRetryDelay must be at least Email:RetryDelay and at most 1 day.");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(10) || options.PollInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add("Email:PollInterval must be between 10 milliseconds and 10 minutes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool IsMailbox(string value) =>
        MailboxAddress.TryParse(ParserOptions.Default, value.Trim(), out var address) && address.Address.Contains('@', StringComparison.Ordinal);
}

/// <summary>App:PublicUrl: required outside Development once real mail leaves the machine.</summary>
/// <remarks>Reads the host from configuration, not IOptions&lt;EmailOptions&gt;: a bad Email setting would throw there and hide this one.</remarks>
internal sealed class AppOptionsValidator(IConfiguration configuration, IHostEnvironment environment) : IValidateOptions<AppOptions>
{
    public ValidateOptionsResult Validate(string? name, AppOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.PublicUrl))
        {
            return !string.IsNullOrWhiteSpace(configuration[SmtpHostKey]) && !environment.IsDevelopment()
                ? ValidateOptionsResult.Fail(
                    "App:PublicUrl is required outside Development when Email:Smtp:Host is set: the address people reach the app at, e.g. https://auth.example.com.")
                : ValidateOptionsResult.Success;
        }

        return TryParsePublicUrl(options.PublicUrl, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("App:PublicUrl must be an absolute http or https URL without query or fragment, e.g. https://auth.example.com.");
    }

    private const string SmtpHostKey = $"{EmailOptions.SectionName}:{nameof(EmailOptions.Smtp)}:{nameof(SmtpOptions.Host)}";

    internal static bool TryParsePublicUrl(string value, out Uri url)
    {
        url = null!;
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var parsed)
            || parsed.Scheme is not ("http" or "https")
            || string.IsNullOrEmpty(parsed.Host)
            || !string.IsNullOrEmpty(parsed.Query) || !string.IsNullOrEmpty(parsed.Fragment) || !string.IsNullOrEmpty(parsed.UserInfo))
        {
            return false;
        }

        url = parsed;
        return true;
    }
}
