using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Tests.Sessions;

public sealed class SessionRecordTests
{
    private static readonly DateTimeOffset SignIn = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly SessionRecord Record = new()
    {
        UserId = "u", UserName = "u", CreatedAt = SignIn, AbsoluteExpiresAt = SignIn.AddHours(8),
    };

    [Fact]
    public void TheIdleDeadlineIsTheLastUsePlusTheIdleTimeout()
    {
        Assert.Equal(SignIn.AddHours(1).AddMinutes(20), Record.IdleDeadline(SignIn.AddHours(1), TimeSpan.FromMinutes(20)));
    }

    [Fact]
    public void TheIdleDeadlineIsNeverPastTheAbsoluteDeadline()
    {
        Assert.Equal(Record.AbsoluteExpiresAt, Record.IdleDeadline(SignIn.AddHours(7.9), TimeSpan.FromMinutes(20)));
        Assert.Equal(Record.AbsoluteExpiresAt, Record.IdleDeadline(SignIn.AddHours(9), TimeSpan.FromMinutes(20)));
    }

    [Fact]
    public void ASessionIdSaysWhetherItWasMadeForAPersistentSessionAndParsingKeepsThat()
    {
        for (var i = 0; i < 64; i++)
        {
            var persistent = SessionId.New("user-" + i, persistent: true);
            var browser = SessionId.New("user-" + i);

            Assert.True(persistent.IsPersistent);
            Assert.False(browser.IsPersistent);
            Assert.True(SessionId.TryParse(persistent.Value, out var parsed));
            Assert.True(parsed.IsPersistent);
        }

        Assert.False(default(SessionId).IsPersistent);
    }
}
