using MimeKit;

namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>The app's pickup directory (Email:PickupDirectory, where mail goes without a mail server), read as a mail client would.</summary>
public static class MailPickup
{
    /// <summary>Every .eml file in <paramref name="directory"/>, parsed; none while it does not exist.</summary>
    public static IReadOnlyList<MimeMessage> Read(string directory) =>
        Directory.Exists(directory)
            ? [.. Directory.EnumerateFiles(directory, "*.eml").Order(StringComparer.Ordinal).Select(file => MimeMessage.Load(file))]
            : [];

    /// <summary>Waits until at least <paramref name="count"/> messages match, or fails the test after <paramref name="timeout"/> (10 s).</summary>
    public static async Task<IReadOnlyList<MimeMessage>> WaitForMessagesAsync(string directory, int count, Func<MimeMessage, bool>? match = null, TimeSpan? timeout = null)
    {
        match ??= _ => true;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var matching = Read(directory).Where(match).ToList();
            if (matching.Count >= count)
            {
                return matching;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Expected {count} matching .eml file(s) in {directory}; {matching.Count} found.");
            }

            await Task.Delay(50);
        }
    }

    public static void Delete(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
