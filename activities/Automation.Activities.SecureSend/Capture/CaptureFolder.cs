using System.Globalization;
using System.Text.Json;
using MimeKit;

namespace Automation.Activities.SecureSend.Capture;

/// <summary>
/// The folder a capture writes its mail to: <c>&lt;sequence&gt;.eml</c> per message as received, and one line per
/// message in <c>envelopes.ndjson</c> with what the file cannot tell (SMTP sender and recipients, TLS, arrival). A
/// capture started again on the folder lists what is there and numbers on from the highest sequence, so a restarted
/// demo keeps its mail and never writes over it.
/// </summary>
internal sealed class CaptureFolder
{
    private const string EnvelopeFile = "envelopes.ndjson";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string folder;
    private readonly Lock appending = new();

    public CaptureFolder(string folder)
    {
        this.folder = folder;
        Directory.CreateDirectory(folder);
    }

    /// <summary>The messages already in the folder (the last <paramref name="keep"/>, oldest first, with their bytes) and
    /// the highest sequence number used.</summary>
    public (List<CapturedMessage> Recent, long LastSequence) Load(int keep)
    {
        var files = Directory.EnumerateFiles(folder, "*.eml")
            .Select(path => (Path: path, Sequence: long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1))
            .Where(f => f.Sequence > 0)
            .OrderBy(f => f.Sequence)
            .ToList();
        if (files.Count == 0)
        {
            return ([], 0);
        }

        var envelopes = ReadEnvelopes();
        var recent = files.Skip(Math.Max(0, files.Count - keep))
            .Select(f => Restore(f.Sequence, File.ReadAllBytes(f.Path), envelopes.GetValueOrDefault(f.Sequence), File.GetLastWriteTimeUtc(f.Path)))
            .ToList();
        return (recent, files[^1].Sequence);
    }

    /// <summary>Writes a message's file, then its envelope line.</summary>
    public void Write(CapturedMessage message, byte[] raw)
    {
        File.WriteAllBytes(Path.Combine(folder, message.Sequence.ToString("D8", CultureInfo.InvariantCulture) + ".eml"), raw);
        var line = JsonSerializer.Serialize(new Envelope(message.Sequence, message.ReceivedAt, message.From, message.To, message.OverTls), Json) + "\n";
        lock (appending)
        {
            File.AppendAllText(Path.Combine(folder, EnvelopeFile), line);
        }
    }

    private Dictionary<long, Envelope> ReadEnvelopes()
    {
        var envelopes = new Dictionary<long, Envelope>();
        var path = Path.Combine(folder, EnvelopeFile);
        if (!File.Exists(path))
        {
            return envelopes;
        }

        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            try
            {
                if (JsonSerializer.Deserialize<Envelope>(line, Json) is { } envelope)
                {
                    envelopes[envelope.Sequence] = envelope;
                }
            }
            catch (JsonException)
            {
                // A line cut short by a crash: that message falls back to its headers.
            }
        }

        return envelopes;
    }

    // Without an envelope line (a folder written before there was one), the headers stand in for the SMTP envelope and
    // the file's time for the arrival; whether it came over TLS is unknown, so it is not claimed.
    private static CapturedMessage Restore(long sequence, byte[] raw, Envelope? envelope, DateTime written)
    {
        if (envelope is not null)
        {
            return new CapturedMessage(sequence, envelope.ReceivedAt, envelope.From, envelope.To, envelope.OverTls, SmtpCapture.MessageIdOf(raw), raw);
        }

        HeaderList? headers = null;
        try
        {
            headers = HeaderList.Load(new MemoryStream(raw));
        }
        catch (FormatException)
        {
            // Not MIME: listed with what the file name and time tell.
        }

        var to = headers?[HeaderId.To] is { } list && InternetAddressList.TryParse(list, out var parsed) ? parsed.Mailboxes.Select(m => m.Address).ToList() : [];
        var from = headers?[HeaderId.From] is { } sender && InternetAddressList.TryParse(sender, out var senders) ? senders.Mailboxes.FirstOrDefault()?.Address ?? "" : "";
        return new CapturedMessage(sequence, new DateTimeOffset(written, TimeSpan.Zero), from, to, false, SmtpCapture.MessageIdOf(raw), raw);
    }

    private sealed record Envelope(long Sequence, DateTimeOffset ReceivedAt, string From, IReadOnlyList<string> To, bool OverTls);
}
