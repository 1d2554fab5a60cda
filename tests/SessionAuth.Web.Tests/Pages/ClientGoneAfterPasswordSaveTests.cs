using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>
/// A client that closes its connection the moment its new password is saved (a reset or a change) cancels the
/// request; what the save sets off (the notice mail above all) must still happen.
/// </summary>
public sealed class ClientGoneAfterPasswordSaveTests
{
    private const string NewPassword = "a passphrase saved as the client left";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheNoticeIsSentEvenWhenTheClientGoesRightAfterThePasswordIsSaved(bool reset)
    {
        var abort = new AbortRequestAfterPasswordSave();
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var pair = await RedisAppPair.StartAsync(smtp.Settings(),
            configureServices: services => services.ConfigureDbContext<SqliteAccountsDbContext>(options => options.AddInterceptors(abort)));
        var email = Emails.Unique("gone");
        using var owner = pair.App.CreateAppClient();
        await owner.RegisterAndLoginAsync(email);
        Func<Task<HttpResponseMessage>> save = () => AccountForms.ChangePasswordAsync(owner, AppClient.Password, NewPassword);
        if (reset)
        {
            Assert.Equal(System.Net.HttpStatusCode.Redirect, (await owner.SubmitAsync(AppRoutes.ForgotPassword, [new("Input.Email", email)])).StatusCode);
            var mail = (await smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, email) && m.Subject == "Reset your password"))[0];
            var link = MailedLinks.Find(mail, AppRoutes.ResetPassword).PathAndQuery;
            save = () => owner.SubmitPageFormAsync(link, new("Input.Password", NewPassword), new("Input.ConfirmPassword", NewPassword));
        }

        abort.Arm();
        try
        {
            await save();
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            // The connection closed under the client, as it does for a person who shut the lid.
        }

        Assert.True(abort.Aborted, "the request was not aborted after the password was saved");
        var notice = await smtp.WaitForMessagesAsync(1, m => TestSmtpServer.SentTo(m, email) && m.Subject == "Your password was changed");
        Assert.Single(notice);
    }

    /// <summary>Once armed, aborts the request (as a client closing its socket) right after the save that sets a new password.</summary>
    private sealed class AbortRequestAfterPasswordSave : SaveChangesInterceptor
    {
        // The app registers the accessor (Identity does); every instance reads the same request-scoped slot.
        private readonly HttpContextAccessor _accessor = new();
        private volatile bool _armed;
        private bool _passwordSaving;

        public bool Aborted { get; private set; }

        public void Arm() => _armed = true;

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            _passwordSaving = _armed && eventData.Context!.ChangeTracker.Entries<ApplicationUser>()
                .Any(e => e.State == EntityState.Modified && e.Property(u => u.PasswordHash).IsModified);
            return base.SavingChangesAsync(eventData, result, cancellationToken);
        }

        public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            if (_passwordSaving && _accessor.HttpContext is { } http)
            {
                _armed = false;
                _passwordSaving = false;
                http.Abort();
                Aborted = true;
            }

            return base.SavedChangesAsync(eventData, result, cancellationToken);
        }
    }
}
