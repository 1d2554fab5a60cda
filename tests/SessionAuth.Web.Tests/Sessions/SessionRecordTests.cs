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
}
