using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Casn.Service.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

/// <summary>Limits high enough that fuzzed requests reach the handlers instead of the rate limiter.</summary>
public sealed class FuzzSiloFactory : SiloFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Casn:Limits:WorkstationBurst"] = "1000000",
        ["Casn:Limits:LoginsPerMinute"] = "1000000",
        ["Casn:Limits:StaffPerSecond"] = "1000000",
        ["Casn:Limits:PerAddressPerSecond"] = "1000000",
    };
}

/// <summary>
/// Malformed requests across the whole API, generated from a fixed seed so a failure can be replayed:
/// every request is wrong in at least one way (address, credential or body). None may get a 5xx, and
/// afterwards the exam day reads exactly as before.
/// </summary>
public sealed class FuzzTests(FuzzSiloFactory factory) : IClassFixture<FuzzSiloFactory>
{
    const int Requests = 10_000;
    const int Images = 1_000;

    sealed record Target(string Method, string Pattern, string Role, bool HasBody);

    const string Room = "/api/rooms/{region}/{site}/{date}/{slot}/{room}";
    const string Session = "/api/sessions/{region}/{site}/{date}/{slot}/{room}/{participantNo}";

    static readonly Target[] Targets =
    [
        new("PUT", "/api/exams/{examId}", "operator", true),
        new("GET", "/api/exams/{examId}", "operator", false),
        new("PUT", "/api/candidates/{participantNo}", "operator", true),
        new("GET", "/api/candidates/{participantNo}", "operator", false),
        new("POST", "/api/candidates/{participantNo}/move", "operator", true),
        new("PUT", Room, "operator", true),
        new("GET", Room, "proctor", false),
        new("POST", Room + "/roster", "operator", true),
        new("POST", Room + "/proctors", "operator", true),
        new("POST", Room + "/checkins", "proctor", true),
        new("POST", Room + "/open", "proctor", true),
        new("POST", Room + "/close", "proctor", true),
        new("POST", Room + "/candidates/{participantNo}/suspend", "proctor", true),
        new("POST", Room + "/candidates/{participantNo}/resume", "proctor", true),
        new("POST", Room + "/candidates/{participantNo}/extend", "proctor", true),
        new("POST", Room + "/candidates/{participantNo}/disqualify", "proctor", true),
        new("POST", Session + "/login", "candidate", true),
        new("GET", Session + "/paper", "candidate", false),
        new("PUT", Session + "/answers/{itemId}", "candidate", true),
        new("POST", Session + "/heartbeat", "candidate", false),
        new("POST", Session + "/submit", "candidate", false),
        new("GET", Session + "/result", "candidate", false),
        new("GET", Session + "/receipt", "candidate", false),
        new("GET", "/api/boards/rooms/{region}/{site}/{date}/{slot}/{room}", "public", false),
        new("GET", "/api/certificates/{code}", "public", false),
        new("GET", "/api/certificates/{code}/qr.svg", "public", false),
        new("GET", "/metrics", "operator", false),
    ];

    static readonly string[] BadValues =
    [
        // No NUL: the in-process test server cannot carry it in a path (Kestrel answers such a request 400 itself).
        "", " ", "..", "../..", "%2e%2e%2f", new string('A', 300), "é", "😀", "a/b", "-1", "0", "5", "9999-99-99",
        "2026-02-30", "null", "{region}", "<script>", "' OR 1=1 --", "KANREG H", "%ZZ", "CON", "a?b=c",
    ];

    // Wrong for every endpoint, not just the one it looks made for: no body here carries a usable reason,
    // PIN, sequence or roster entry, so none can be a valid request to some other endpoint.
    static readonly string[] BadBodies =
    [
        "", "{", "}", "[", "]", "null", "true", "123", "\"text\"", "{\"sequence\":", "{\"sequence\":\"many\",\"choice\":1}",
        "{\"sequence\":1e400,\"choice\":0}", "{\"sequence\":-5,\"choice\":1}", "{\"sequence\":1,\"choice\":99999999999}",
        "{\"sequence\":1,\"choice\":\"a\"}", "{\"minutes\":\"x\",\"reason\":\"\"}", "{\"minutes\":-100000000000,\"reason\":\" \"}",
        "{\"reason\":\"\"}", "{\"reason\":null}", "{\"reason\":5}", "{\"pin\":5,\"workstationId\":[],\"workstationKey\":{}}",
        "{\"participantNo\":\"\",\"method\":\"manual\",\"proctor\":{\"reason\":\"\"}}", "{\"participantNo\":null,\"method\":\"x\"}",
        "{\"examId\":\"NO-SUCH\",\"name\":\"x\",\"startsAt\":\"yesterday\",\"seats\":1}", "{\"examId\":\"\",\"name\":\"\",\"startsAt\":\"2026-11-23T00:00:00Z\",\"seats\":-1}",
        "[{\"participantNo\":5,\"seat\":[]}]", "[null]", "[{\"participantNo\":\"NOBODY-AT-ALL\",\"seat\":\"S1\"}]",
        "{\"proctorId\":\"\",\"name\":\"\",\"hours\":0}", "{\"proctorId\":\"p\",\"name\":\"n\",\"hours\":100000}",
        "{\"blueprint\":null,\"items\":null}", "{\"id\":\"X\",\"blueprint\":{\"sections\":[{\"code\":null}]},\"items\":[{}]}",
        "{\"participantNo\":\"X\",\"name\":null,\"nationalId\":\"3201000000000001\",\"birthDate\":\"not a date\"}",
        "{\"kanreg\":\"../KANREG-X\",\"site\":\"\",\"reason\":\" \"}", "{\"kanreg\":5,\"reason\":[]}",
        "{\"id\":\"X\",\"blueprint\":{\"id\":\"X\",\"title\":\"t\",\"duration\":\"9999.00:00:00\",\"sections\":[{\"code\":\"<img src=x onerror=alert(1)>\"}]},\"bankVersion\":\"<b>\",\"items\":[]}",
        "{\"sequence\":9223372036854775807,\"choice\":0}", "{\"sequence\":2147483648,\"choice\":0}",
        "\uFEFF{\"sequence\":1", "{\"a\":1,\"a\":2,", "{'single':'quotes'}", "<xml/>", "\u0000\u0001\u0002",
    ];

    [Fact]
    public async Task Ten_thousand_malformed_requests_get_coded_answers_and_change_nothing()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 3);
        var workstation = await day.Start(1);
        var item = day.PaperOf(1).Items[0].Item.Id;
        await Expect(200, await workstation.PutAsync($"{day.SessionPath(1)}/answers/{item}", Json("{\"sequence\":1,\"choice\":2}")));
        // The proctor's projection shows the answer within a second; the snapshot starts from there.
        await Cluster.ExamDay.Eventually(async () => (await Expect(200, await day.Proctor.GetAsync(day.RoomPath))).GetProperty("seats")[0].GetProperty("answered").GetInt32() == 1,
            TimeSpan.FromSeconds(10), "the answer on the room view");
        var credentials = new Dictionary<string, AuthenticationHeaderValue?>
        {
            ["operator"] = day.Operator.DefaultRequestHeaders.Authorization,
            ["proctor"] = day.Proctor.DefaultRequestHeaders.Authorization,
            ["candidate"] = workstation.DefaultRequestHeaders.Authorization,
            ["public"] = null,
        };
        var before = await Snapshot(day, workstation);

        var random = new Random(20261123);
        var parts = day.RoomKey.Split('/');
        var valid = new Dictionary<string, string>
        {
            ["region"] = parts[0], ["site"] = parts[1], ["date"] = parts[2], ["slot"] = parts[3], ["room"] = parts[4],
            ["participantNo"] = day.ParticipantNo(1), ["itemId"] = item, ["examId"] = day.Exam.Id, ["code"] = "AAAA-BBBB-CCCC-DDDD",
        };
        var failures = new List<string>();
        var client = factory.CreateClient();
        for (var n = 0; n < Requests; n++)
        {
            var target = Targets[random.Next(Targets.Length)];
            // Each request is wrong somewhere: in its address, its credential or its body (a bodiless call
            // cannot have a wrong body, so it gets a wrong address or credential).
            var flaw = target.HasBody ? random.Next(3) : random.Next(2);
            var path = Fill(target.Pattern, valid, random, badValue: flaw == 0);
            using var request = new HttpRequestMessage(new HttpMethod(target.Method), path);
            if (flaw == 1) request.Headers.TryAddWithoutValidation("Authorization", BadCredential(random));
            else if (credentials[target.Role] is { } credential) request.Headers.Authorization = credential;
            if (target.Role == "candidate" && flaw != 1) request.Headers.Add("X-Workstation-Key", WorkstationKey(1));
            if (target.HasBody)
            {
                var body = flaw == 2 || random.Next(2) == 0 ? BadBodies[random.Next(BadBodies.Length)] : "{\"reason\":\"\"}";
                request.Content = new StringContent(body, Encoding.UTF8);
                request.Content.Headers.ContentType = random.Next(5) == 0 ? new MediaTypeHeaderValue("text/plain") : new MediaTypeHeaderValue("application/json");
            }
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var status = (int)response.StatusCode;
            if (status >= 500) failures.Add($"#{n} {target.Method} {path}: {status} {await response.Content.ReadAsStringAsync()}");
            else if (status >= 400 && response.Content.Headers.ContentType?.MediaType == "application/json")
                failures.Add($"#{n} {target.Method} {path}: {status} without a problem body");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} bad answers, first: {string.Join('\n', failures.Take(5))}");
        Assert.Equal(before, await Snapshot(day, workstation));
    }

    [Fact]
    public async Task A_thousand_broken_images_are_refused_with_codes_and_enrol_nobody()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 1);
        var random = new Random(1123);
        var seeds = new[] { NoFaceImage(".jpg"), NoFaceImage(".png") };
        var codes = new Dictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        for (var n = 0; n < Images; n++)
        {
            var image = Break(seeds[random.Next(seeds.Length)], random);
            var content = new ByteArrayContent(image);
            content.Headers.ContentType = new MediaTypeHeaderValue(random.Next(2) == 0 ? "image/jpeg" : "image/png");
            using var response = await day.Operator.PutAsync($"/api/candidates/{day.ParticipantNo(1)}/photo", content);
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            if (status is < 400 or >= 500) { failures.Add($"#{n} ({image.Length} bytes): {status} {body}"); continue; }
            var code = JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()!;
            codes[code] = codes.GetValueOrDefault(code) + 1;
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(5)));
        Assert.All(codes.Keys, code => Assert.True(code.StartsWith("image.", StringComparison.Ordinal) || code.StartsWith("face.", StringComparison.Ordinal), code));
        Assert.True(codes.Count >= 4, "the broken images should fail in several distinct ways: " + string.Join(", ", codes));
        // Nothing was enrolled: a face check-in still finds no registration photo.
        await ExpectProblem(409, "candidate.not_enrolled", await day.Proctor.PostAsync($"{day.RoomPath}/checkins/{day.ParticipantNo(1)}/face",
            new ByteArrayContent(TestPhotos.Bytes("obama_1.jpg")) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } }));
    }

    static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    static string Fill(string pattern, Dictionary<string, string> valid, Random random, bool badValue)
    {
        var names = valid.Keys.Where(k => pattern.Contains("{" + k + "}", StringComparison.Ordinal)).ToList();
        var broken = badValue && names.Count > 0 ? names[random.Next(names.Count)] : null;
        foreach (var name in names)
        {
            var value = name == broken ? BadValues[random.Next(BadValues.Length)] : valid[name];
            pattern = pattern.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }
        // A flawed address with no parameters to break: a wrong path under the same prefix.
        return badValue && broken is null ? pattern + "/" + Uri.EscapeDataString(BadValues[random.Next(BadValues.Length)]) : pattern;
    }

    static string BadCredential(Random random) => random.Next(6) switch
    {
        0 => "Bearer ",
        1 => "Bearer not-a-token",
        2 => "Bearer a.b.c",
        3 => "Basic dXNlcjpwYXNz",
        4 => "Bearer " + TestStaff.Operator("KANREG-ELSEWHERE"),
        _ => "Bearer " + new string('x', 2000),
    };

    /// <summary>A clean picture with no face in it (gradient and noise), encoded for real.</summary>
    static byte[] NoFaceImage(string extension)
    {
        var random = new Random(extension.Length);
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(640, 480);
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++)
                image[x, y] = new SixLabors.ImageSharp.PixelFormats.Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        image.Mutate(x => x.GaussianBlur(8));
        using var stream = new MemoryStream();
        if (extension == ".png") image.SaveAsPng(stream); else image.SaveAsJpeg(stream);
        return stream.ToArray();
    }

    /// <summary>One way of breaking an image: truncation, flipped bytes, lying headers, wrong formats, garbage.</summary>
    static byte[] Break(byte[] image, Random random)
    {
        var bytes = (byte[])image.Clone();
        switch (random.Next(9))
        {
            case 0: return bytes[..random.Next(0, Math.Min(bytes.Length, 64))];
            case 1: return bytes[..random.Next(64, bytes.Length)];
            case 2:
                for (var i = random.Next(1, 40); i > 0; i--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            case 3: return LieAboutSize(bytes);
            case 4: return [.. "GIF89a"u8, .. bytes[6..]];
            case 5: return [.. "%PDF-1.7\n"u8, .. bytes];
            case 6:
                var noise = new byte[random.Next(1, 20_000)];
                random.NextBytes(noise);
                return noise;
            case 7: return [.. bytes[..2], .. new byte[random.Next(1, 5000)]];
            default:
                var tail = new byte[random.Next(1, 5000)];
                random.NextBytes(tail);
                return [.. bytes[..(bytes.Length / 2)], .. tail];
        }
    }

    /// <summary>Claims 65,535 x 65,535 pixels in the JPEG frame header or the PNG IHDR.</summary>
    static byte[] LieAboutSize(byte[] bytes)
    {
        if (bytes[0] == 0x89)
        {
            bytes[16] = 0x7F; bytes[17] = 0xFF; bytes[18] = 0xFF; bytes[19] = 0xFF;
            return bytes;
        }
        for (var i = 2; i + 8 < bytes.Length; i++)
            if (bytes[i] == 0xFF && bytes[i + 1] is 0xC0 or 0xC2)
            {
                bytes[i + 5] = 0xFF; bytes[i + 6] = 0xFF; bytes[i + 7] = 0xFF; bytes[i + 8] = 0xFF;
                break;
            }
        return bytes;
    }

    /// <summary>What must not change: the room, every sitting in it, candidate 1's stored answers, the exam.</summary>
    static async Task<string> Snapshot(HttpExamDay day, HttpClient workstation)
    {
        var room = await Expect(200, await day.Proctor.GetAsync(day.RoomPath));
        var paper = await Expect(200, await workstation.GetAsync(day.SessionPath(1) + "/paper"));
        var exam = await Expect(200, await day.Operator.GetAsync($"/api/exams/{day.Exam.Id}"));
        var candidates = string.Join("|", room.GetProperty("seats").EnumerateArray().Select(c =>
            $"{c.GetProperty("participantNo")}:{c.GetProperty("status")}:{c.GetProperty("answered")}:{c.GetProperty("finishReason")}"));
        return $"{room.GetProperty("status")} {room.GetProperty("attendance")} {room.GetProperty("incidents").GetArrayLength()} {candidates} " +
               $"{paper.GetProperty("answers")} {paper.GetProperty("lastSequence")} {exam}";
    }
}
