using System.Net;
using System.Text;
using SessionAuth.Web.Tests.Infrastructure;

namespace SessionAuth.Web.Tests.Pages;

/// <summary>
/// More than a thousand generated bad inputs to the login, register and change-password forms:
/// none may produce a 5xx or an unhandled exception (ASVS 5.1, 7.4.1). The generator is seeded,
/// so a failure names an input that reproduces.
/// </summary>
public sealed class FormFuzzTests(RedisAppFixture fixture) : IClassFixture<RedisAppFixture>
{
    private const int InputsPerForm = 350;

    private static readonly string[] Nasty =
    [
        "", " ", "\t\r\n", "'", "\"", "' OR '1'='1' --", "\"; DROP TABLE AspNetUsers; --", "<script>alert(1)</script>",
        "javascript:alert(1)", "${7*7}", "{{7*7}}", "%00", "%s%s%s%n", "../../etc/passwd", "\\\\server\\share",
        "admin@example.com\r\nBcc: victim@example.com", "a@b", "@", "a@", "@b.c", "a@b.c", "𝕬𝖉𝖒𝖎𝖓@例え.テスト",
        "\u202Eevil\u202C@example.com", "\uFEFF", "\uD800", "\uDFFF", "ﷺ", "Ω≈ç√∫", "null", "undefined", "NaN", "-1",
        "true", "[]", "{}", "0x7fffffff", new string('A', 300), new string('é', 200), "a\u0001b\u0002c@example.com",
    ];

    private static readonly Dictionary<string, string[]> Forms = new()
    {
        ["/Account/Login"] = ["Input.Email", "Input.Password", "Input.RememberMe"],
        ["/Account/Register"] = ["Input.Email", "Input.Password", "Input.ConfirmPassword"],
        ["/Account/ChangePassword"] = ["Input.OldPassword", "Input.NewPassword", "Input.ConfirmPassword"],
    };

    [Fact]
    public async Task ThousandsOfBadFormPostsNeverCauseAServerError()
    {
        using var client = fixture.App.CreateAppClient();
        await client.RegisterAndLoginAsync(Emails.Unique("fuzz")); // change-password needs a session
        var random = new Random(20261126);
        var failures = new List<string>();
        var sent = 0;

        foreach (var (path, fields) in Forms)
        {
            var token = await client.GetAntiforgeryTokenAsync(path);
            for (var i = 0; i < InputsPerForm; i++)
            {
                var body = GenerateBody(random, fields, token);
                var response = await client.Http.PostAsync(path, new ByteArrayContent(body)
                {
                    Headers = { { "Content-Type", "application/x-www-form-urlencoded" } },
                });
                sent++;
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{(int)response.StatusCode} for {path}: {Encoding.Latin1.GetString(body)[..Math.Min(body.Length, 200)]}");
                }

                if (AppClient.SetCookie(response, AppClient.SessionCookieName) is not null && path == "/Account/ChangePassword")
                {
                    // A generated input that really changed the password would rotate the session: keep up.
                    token = await client.GetAntiforgeryTokenAsync(path);
                }
            }
        }

        Assert.True(sent >= 1000, $"Only {sent} inputs were sent.");
        Assert.Empty(failures);
        Assert.Empty(fixture.App.Logs.UnhandledExceptions.Select(e => e.Message + e.Exception));
    }

    private static byte[] GenerateBody(Random random, string[] fields, string token)
    {
        var parts = new List<byte[]>();
        foreach (var field in fields)
        {
            switch (random.Next(6))
            {
                case 0:
                    continue; // missing field
                case 1:
                    parts.Add(Pair(field, Value(random))); // duplicated field
                    parts.Add(Pair(field, Value(random)));
                    break;
                case 2:
                    parts.Add([.. Encoding.ASCII.GetBytes(Uri.EscapeDataString(field) + "="), .. RawBytes(random)]); // invalid UTF-8, raw %-escapes
                    break;
                default:
                    parts.Add(Pair(field, Value(random)));
                    break;
            }
        }

        if (random.Next(10) == 0)
        {
            parts.Add(Pair(Value(random), Value(random))); // unknown field names
        }

        parts.Add(Pair("__RequestVerificationToken", token));
        return parts.SelectMany((part, index) => index == 0 ? part : [(byte)'&', .. part]).ToArray();
    }

    private static byte[] Pair(string name, string value) =>
        Encoding.ASCII.GetBytes(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(Sanitize(value)));

    private static string Value(Random random) => random.Next(5) switch
    {
        0 => Nasty[random.Next(Nasty.Length)],
        1 => new string((char)random.Next(0x20, 0x7f), random.Next(0, 20_000)), // oversized, still under the 64 KB cap
        2 => string.Concat(Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)random.Next(1, 0x20))), // control characters
        3 => Nasty[random.Next(Nasty.Length)] + Nasty[random.Next(Nasty.Length)],
        _ => $"user{random.Next(1000)}@example.com",
    };

    // Uri.EscapeDataString refuses lone surrogates; send their replacement instead (raw bytes cover invalid UTF-8).
    private static string Sanitize(string value) =>
        string.Concat(value.Select(c => char.IsSurrogate(c) ? '\uFFFD' : c));

    private static byte[] RawBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 64)];
        random.NextBytes(bytes);
        var encoded = new StringBuilder();
        foreach (var b in bytes)
        {
            encoded.Append(random.Next(4) == 0 ? "%" : $"%{b:X2}"); // sometimes a broken escape
        }

        return Encoding.ASCII.GetBytes(encoded.ToString());
    }
}
