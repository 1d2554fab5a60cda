using SessionAuth.Web.Tests.Infrastructure;
using SessionAuth.Web.Tests.Pages;
using SessionAuth.Web.Tests.Sessions;

namespace SessionAuth.Web.Tests.Accounts;

// The HTTP flow and the account tests, run again with the accounts in PostgreSQL (Accounts:Provider=Postgres):
// every [Fact] and [Theory] of the base class runs here against a database of this class's own.
// Chosen subset: sign-in/out and the session flow, registration (with its race), and change
// password with lockout; the rest of the suite does not touch the accounts database differently.
// (xunit also builds the base class's SQLite fixture for these classes; it goes unused.)

public sealed class SessionFlowOnPostgresTests(PostgresAppFixture fixture) : SessionFlowTests(fixture), IClassFixture<PostgresAppFixture>;

// Its twenty parallel registrations are a burst of password hashes: alone, not beside other classes' Redis calls.
[Collection(RunsAlone.Name)]
public sealed class RegistrationOnPostgresTests(PostgresAppFixture fixture) : RegistrationTests(fixture), IClassFixture<PostgresAppFixture>;

public sealed class ChangePasswordOnPostgresTests(PostgresAppFixture fixture) : ChangePasswordTests(fixture), IClassFixture<PostgresAppFixture>;
