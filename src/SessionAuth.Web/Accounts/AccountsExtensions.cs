using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts.Passkeys;
using SessionAuth.Web.Email;
using SessionAuth.Web.Infrastructure;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Accounts;

internal static class AccountsExtensions
{
    public const string ConnectionStringName = "Accounts";

    /// <summary>Identity's schema: version 3 adds AspNetUserPasskeys (WebAuthn credentials, see Passkeys/).</summary>
    public static readonly Version IdentitySchema = IdentitySchemaVersions.Version3;

    /// <summary>
    /// EF Core logs a failed connection, query or save at Error with the exception, before the app sees it. The app logs
    /// each one once itself: the failure policy as a warning for an outage and as an error with its stack trace for a
    /// bug, the code that handles one (a lost registration race, a session re-validation) its own event. EF's copies go to Debug.
    /// </summary>
    private static DbContextOptionsBuilder QuietErrors(DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(warnings => warnings.Log(
            (RelationalEventId.ConnectionError, LogLevel.Debug),
            // The failed command itself (e.g. the insert that lost a cookie-key race between two instances).
            (RelationalEventId.CommandError, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug)));

    /// <summary>
    /// ASP.NET Core Identity on EF Core (SQLite or PostgreSQL, Accounts:Provider): users, password
    /// hashes, lockout; and the secrets that must outlive Redis: the Data Protection key ring and
    /// the session cookie key.
    /// </summary>
    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        // Rate limits and the body cap of the password forms.
        builder.Services.AddAccountEndpointProtection();
        var provider = ReadProvider(builder.Configuration);
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidSettingException(provider == AccountsProvider.Sqlite
                ? $"ConnectionStrings:{ConnectionStringName} is empty. Set it to a SQLite connection string, e.g. 'Data Source=accounts.db'."
                : $"ConnectionStrings:{ConnectionStringName} is empty. With {AccountsOptions.ProviderKey}=Postgres set it to an Npgsql connection string, e.g. 'Host=db;Database=sessionauth;Username=app;Password=…'.");
        }

        CheckConnectionString(provider, connectionString);
        // Everything asks for AccountsDbContext; the provider's subclass carries its own migrations.
        if (provider == AccountsProvider.Postgres)
        {
            builder.Services.AddDbContext<AccountsDbContext, PostgresAccountsDbContext>((services, options) =>
                QuietErrors(options.UseNpgsql(connectionString)).AddInterceptors(services.GetRequiredService<OutboxCommitInterceptor>()));
        }
        else
        {
            builder.Services.AddDbContext<AccountsDbContext, SqliteAccountsDbContext>((services, options) =>
                QuietErrors(options.UseSqlite(connectionString)).AddInterceptors(services.GetRequiredService<OutboxCommitInterceptor>()));
        }

        // Data Protection keys (antiforgery tokens, TempData) are long-lived secrets, not cache: every
        // instance reads the same ring from the accounts database, whatever happens to Redis.
        builder.Services.AddDataProtection().PersistKeysToDbContext<AccountsDbContext>();
        builder.Services.AddSingleton<ICookieKeyStore, AccountsCookieKeyStore>();

        builder.Services.AddOptions<PasswordPolicyOptions>().BindConfiguration(PasswordPolicyOptions.SectionName)
            .Configure<IConfiguration>((policy, configuration) =>
                policy.MinimumScore = configuration.GetValue(PasswordPolicyOptions.MinimumScoreKey, policy.MinimumScore))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<IdentityOptions>().Configure<IOptions<PasswordPolicyOptions>>(
            (identity, policy) => identity.Password.RequiredLength = policy.Value.MinimumLength);
        builder.Services.AddOptions<AccountFlowOptions>().BindConfiguration(AccountFlowOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<PasswordResetTokenProviderOptions>().Configure<IOptions<AccountFlowOptions>>((reset, flows) =>
        {
            reset.Name = PasswordResetTokenProvider.ProviderName;
            reset.TokenLifespan = flows.Value.PasswordResetLifetime;
        });
        // PasswordHasher's V3 format is PBKDF2-HMAC-SHA512; older hashes report "rehash needed" and
        // UserManager rewrites them at the next successful sign-in.
        builder.Services.AddOptions<PasswordHasherOptions>().Configure<IOptions<PasswordPolicyOptions>>(
            (hasher, policy) => hasher.IterationCount = policy.Value.HashIterations);
        // The hasher is stateless, so one instance serves all; the decoy check (a singleton) uses it too.
        // It hashes and verifies the NFC form of every password (NfcPasswordHasher), a few at a time (BoundedPasswordHasher).
        builder.Services.AddBoundedPasswordHashing();
        builder.Services.AddSingleton<DecoyPasswordCheck>();
        builder.Services.AddScoped<PasswordSignInCheck>();
        builder.Services.AddScoped<AccountLocks>();
        builder.Services.AddScoped<UnconfirmedSignInFactors>();
        // Admin:Emails decides who holds the operators' role (OperatorRole), at start-up, sign-in and re-validation.
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<OperatorRole>();
        // The account flows' mail (codes, links on App:PublicUrl, words) and the equal answer time of the mail forms.
        builder.Services.AddScoped<AccountMailer>();
        builder.Services.AddSingleton<AnswerTimeFloor>();
        // The session scheme asks the accounts database about a session's user, and sign-out rotates the stamp.
        builder.Services.AddScoped<ISessionUserValidator, AccountSessionUserValidator>();
        // Pages end sessions through this, so the revoke rules (and the stamp rotation) live in one place.
        builder.Services.AddScoped<SessionRevocation>();
        builder.Services.AddScoped<ISessionStampRotator>(services => services.GetRequiredService<SessionRevocation>());
        // The mail outbox lives in this database, so a change and the mail it causes commit together.
        builder.AddEmail<AccountsDbContext>();

        // AddIdentityCore rather than AddIdentity: AddIdentity registers cookie schemes that carry the
        // whole ticket in the cookie, which is exactly what the server-side session replaces.
        builder.Services
            .AddIdentityCore<ApplicationUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Stores.SchemaVersion = IdentitySchema;
                // Not options.SignIn.RequireConfirmedEmail: Identity checks that before the password, which would tell
                // anyone whether an address is confirmed. PasswordSignInCheck asks after a correct password instead.
                options.Tokens.PasswordResetTokenProvider = PasswordResetTokenProvider.ProviderName;
                options.Tokens.EmailConfirmationTokenProvider = EmailLinkTokenProvider.ProviderName;
                options.Tokens.ChangeEmailTokenProvider = EmailLinkTokenProvider.ProviderName;
            })
            .AddRoles<IdentityRole>()
            // After AddRoles, which registers its own factory: roles come from OperatorRole, plus email_verified.
            .AddClaimsPrincipalFactory<AccountClaimsPrincipalFactory>()
            .AddEntityFrameworkStores<AccountsDbContext>()
            .AddPasswordValidator<PasswordPolicyValidator>()
            .AddErrorDescriber<AccountErrorDescriber>()
            .AddTokenProvider<PasswordResetTokenProvider>(PasswordResetTokenProvider.ProviderName)
            .AddTokenProvider<EmailLinkTokenProvider>(EmailLinkTokenProvider.ProviderName)
            // Ours keeps the passkey ceremonies' state on the server and signs in to the session scheme.
            .AddSignInManager<AccountSignInManager>();
        builder.AddPasskeys();

        builder.Services.AddHealthChecks().AddDbContextCheck<AccountsDbContext>("accounts-db", tags: ["ready"]);
        return builder;
    }

    /// <summary>
    /// Applies the provider's committed migrations at start-up. A migration lock (SQLite: EF Core's
    /// row in __EFMigrationsLock; PostgreSQL: an advisory lock around the whole run) lets several
    /// instances start at once. It is taken only when something is pending, so a SQLite
    /// lock row left by a process killed mid-migration cannot stall every later start.
    /// </summary>
    public static async Task MigrateAccountsDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        try
        {
            if (db.Database.IsSqlite())
            {
                EnsureDirectoryFor(db.Database.GetConnectionString());
            }

            var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
            if (pending.Count == 0)
            {
                return;
            }

            AccountsLog.ApplyingMigrations(app.Logger, pending.Count, string.Join(", ", pending));
            if (db.Database.IsNpgsql())
            {
                await MigrateUnderAdvisoryLockAsync(db);
            }
            else
            {
                await db.Database.MigrateAsync();
            }
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or UnauthorizedAccessException)
        {
            // A path that cannot be created, opened or read as SQLite, or a PostgreSQL server that refuses
            // us: the setting names a database the app cannot use. Npgsql's messages hold no password.
            throw new InvalidSettingException(
                $"ConnectionStrings:{ConnectionStringName} names a database the app cannot open or migrate ({ex.Message.Trim()}).");
        }
    }

    /// <summary>
    /// EF Core's PostgreSQL lock is a table lock that each migration's transaction drops at its commit: with two
    /// or more pending migrations, three instances starting at once were seen applying the same one twice
    /// (42P07, relation already exists). A session advisory lock held across the whole run serialises them; the
    /// next instance then finds nothing pending. It ends with the session if the process dies.
    /// </summary>
    private static async Task MigrateUnderAdvisoryLockAsync(AccountsDbContext db)
    {
        const long migrationLock = 0x5E55_10A7_0001;
        await db.Database.OpenConnectionAsync();
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({migrationLock})");
            try
            {
                await db.Database.MigrateAsync();
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({migrationLock})");
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>After the migrations, before serving: the operators' role follows Admin:Emails (<see cref="OperatorRole"/>).</summary>
    public static Task ApplyOperatorRoleAsync(this WebApplication app) =>
        OperatorRole.ApplyAtStartAsync(app.Services, app.Logger);

    private static AccountsProvider ReadProvider(ConfigurationManager configuration)
    {
        var value = configuration[AccountsOptions.ProviderKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return AccountsProvider.Sqlite;
        }

        // Names only: Enum.TryParse would also take "1" or "Sqlite,Postgres".
        foreach (var provider in Enum.GetValues<AccountsProvider>())
        {
            if (string.Equals(value.Trim(), provider.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return provider;
            }
        }

        throw new InvalidSettingException(
            $"{AccountsOptions.ProviderKey} must be Sqlite (the default) or Postgres (it is '{value}').");
    }

    private static void CheckConnectionString(AccountsProvider provider, string connectionString)
    {
        try
        {
            _ = provider == AccountsProvider.Postgres
                ? new Npgsql.NpgsqlConnectionStringBuilder(connectionString)
                : (System.Data.Common.DbConnectionStringBuilder)new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The parser's message names the bad keyword, not the string (which may hold a password).
            throw new InvalidSettingException(provider == AccountsProvider.Postgres
                ? $"ConnectionStrings:{ConnectionStringName} is not an Npgsql connection string ({ex.Message}). Use e.g. 'Host=db;Database=sessionauth;Username=app;Password=…'."
                : $"ConnectionStrings:{ConnectionStringName} is not a SQLite connection string ({ex.Message}). Use e.g. 'Data Source=accounts.db'.");
        }
    }

    private static void EnsureDirectoryFor(string? connectionString)
    {
        var dataSource = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
