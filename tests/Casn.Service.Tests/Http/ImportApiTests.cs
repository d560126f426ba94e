using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Casn.Service.Tests.Support;
using static Casn.Service.Tests.Http.HttpExamDay;

namespace Casn.Service.Tests.Http;

/// <summary>#18: bulk imports give an exact per-line report, and running one again changes nothing.</summary>
[Collection(SiloCollection.Name)]
public sealed class ImportApiTests(SiloFactory factory)
{
    const string Header = "participantNo,name,nationalId,birthDate,category,positionId,accessible,kanreg,site";

    static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    /// <summary>The report's lines as "line participant outcome code", in order.</summary>
    static async Task<(JsonElement Report, string[] Lines)> Report(HttpResponseMessage response)
    {
        var report = await Expect(200, response);
        var lines = report.GetProperty("results").EnumerateArray().Select(l =>
            $"{l.GetProperty("line").GetInt32()} {(l.TryGetProperty("participantNo", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : "-")} " +
            $"{l.GetProperty("outcome").GetString()}{(l.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? " " + c.GetString() : "")}").ToArray();
        Assert.Equal(lines.Length, report.GetProperty("lines").GetInt32());
        return (report, lines);
    }

    [Fact]
    public async Task A_candidate_file_with_good_duplicate_and_bad_lines_gets_an_exact_report_and_running_it_again_changes_nothing()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 0);
        string P(int n) => day.ParticipantNo(n);
        string Line(int n, string name = "Peserta", string nik = "", string position = "POS-9") =>
            $"{P(n)},{name},{(nik.Length > 0 ? nik : NationalId(n))},1999-02-03,general,{position},false,{HttpExamDay.Kanreg},{day.Site}";
        var file = string.Join("\n",
            Header,                                                   // 1
            Line(1, "\"Siti, S.Pd.\""),                               // 2: a quoted name with a comma
            Line(2),                                                  // 3
            "",                                                       // 4: blank, counted
            Line(1, "Someone else"),                                  // 5: the same participant again
            Line(3, nik: "12345"),                                    // 6: a NIK that is not 16 digits
            Line(4, position: "POS-NOPE"),                            // 7: a position nobody defined
            $"{P(5)},\"unclosed,{NationalId(5)},1999-02-03,general,POS-9,false,{HttpExamDay.Kanreg},", // 8: broken CSV
            $"{P(6)},Peserta,{NationalId(6)},03/02/1999,general,POS-9,false,{HttpExamDay.Kanreg},{day.Site}", // 9: a date in another form
            $"{P(7)},Peserta 7,{NationalId(7)},1999-02-03,general,POS-9,yes,{HttpExamDay.Kanreg},") + "\r\n"; // 10: CRLF, no site, accessible

        var (first, lines) = await Report(await day.Operator.PostAsync("/api/imports/candidates", Csv(file)));
        Assert.Equal([
            $"2 {P(1)} created", $"3 {P(2)} created", $"5 {P(1)} refused import.duplicate_line", $"6 {P(3)} refused candidate.invalid",
            $"7 {P(4)} refused position.unknown", "8 - refused import.line_invalid", $"9 {P(6)} refused import.line_invalid", $"10 {P(7)} created",
        ], lines);
        Assert.Equal((3, 0, 0, 5), (first.GetProperty("created").GetInt32(), first.GetProperty("updated").GetInt32(),
            first.GetProperty("unchanged").GetInt32(), first.GetProperty("refused").GetInt32()));
        var siti = await Expect(200, await day.Operator.GetAsync($"/api/candidates/{P(1)}"));
        Assert.Equal("Siti, S.Pd.", siti.GetProperty("name").GetString());
        var seven = await Expect(200, await day.Operator.GetAsync($"/api/candidates/{P(7)}"));
        Assert.True(seven.GetProperty("accessible").GetBoolean());
        Assert.Equal(JsonValueKind.Null, seven.GetProperty("site").ValueKind);

        // Again, after a "failure": nothing is created twice, the same lines are refused for the same reasons.
        var (_, again) = await Report(await day.Operator.PostAsync("/api/imports/candidates", Csv(file)));
        Assert.Equal(lines.Select(l => l.Replace(" created", " unchanged", StringComparison.Ordinal)), again);

        // A changed registration is an update; the rest stays as it was.
        var (_, changed) = await Report(await day.Operator.PostAsync("/api/imports/candidates", Csv(Header + "\n" + Line(2, "Peserta Dua") + "\n" + Line(1, "\"Siti, S.Pd.\""))));
        Assert.Equal([$"2 {P(2)} updated", $"3 {P(1)} unchanged"], changed);
        Assert.Equal("Peserta Dua", (await Expect(200, await day.Operator.GetAsync($"/api/candidates/{P(2)}"))).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Ndjson_lines_are_registrations_as_the_single_endpoint_takes_them()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 0);
        string Json(int n) => JsonSerializer.Serialize(new
        {
            participantNo = day.ParticipantNo(n), name = $"Peserta {n}", nationalId = NationalId(n), birthDate = "1999-02-03",
            category = "general", positionId = "POS-9", accessible = false, kanreg = HttpExamDay.Kanreg, site = day.Site,
        });
        var body = string.Join("\n", Json(1), "{\"participantNo\": \"broken", "[1,2]", Json(2), "{\"participantNo\":\"" + day.ParticipantNo(3) + "\"}");
        var (_, lines) = await Report(await day.Operator.PostAsync("/api/imports/candidates", new StringContent(body, Encoding.UTF8, "application/x-ndjson")));
        Assert.Equal([
            $"1 {day.ParticipantNo(1)} created", "2 - refused import.line_invalid", "3 - refused import.line_invalid",
            $"4 {day.ParticipantNo(2)} created", $"5 {day.ParticipantNo(3)} refused import.line_invalid",
        ], lines);
    }

    [Fact]
    public async Task A_body_the_import_cannot_read_at_all_is_refused_whole_with_its_code()
    {
        var http = factory.CreateClient().As(TestStaff.NationalOperator());
        await ExpectProblem(415, "request.unsupported_media_type", await http.PostAsync("/api/imports/candidates", new StringContent("{}", Encoding.UTF8, "application/json")));
        await ExpectProblem(400, "request.invalid", await http.PostAsync("/api/imports/candidates", Csv("participantNo,nama,nik\n1,2,3\n")));
        await ExpectProblem(400, "request.invalid", await http.PostAsync("/api/imports/candidates", Csv("")));
        await ExpectProblem(415, "request.unsupported_media_type", await http.PostAsync("/api/imports/photos", new StringContent("x", Encoding.UTF8, "image/jpeg")));
        await ExpectProblem(400, "request.invalid", await http.PostAsync("/api/imports/photos",
            new ByteArrayContent("PK not really a zip"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } }));
        // One line of a megabyte is refused alone; the body is not held whole.
        var (_, lines) = await Report(await http.PostAsync("/api/imports/candidates", new StringContent(new string('x', 1024 * 1024), Encoding.UTF8, "application/x-ndjson")));
        Assert.Equal(["1 - refused import.line_invalid"], lines);
        // Staff of a Kanreg cannot register, in bulk or not.
        await ExpectProblem(403, "auth.forbidden", await factory.CreateClient().As(TestStaff.Operator(HttpExamDay.Kanreg)).PostAsync("/api/imports/candidates", Csv(Header)));
    }

    [Fact]
    public async Task A_roster_file_seats_each_line_on_its_own_and_a_kanreg_operator_seats_only_their_own_rooms()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 5);
        // Prepare seated 1-5 in S1-S5; a second room of the same site takes the import.
        var second = day.RoomPath.Replace("/R01", "/R02", StringComparison.Ordinal);
        await Expect(200, await day.Operator.PutAsJsonAsync(second, new { examId = day.Exam.Id, name = "Ruang 2", startsAt = day.StartsAt, seats = 3 }));
        var room2 = second["/api/rooms/".Length..];
        var registered = string.Join("\n", [Header, .. Enumerable.Range(6, 4).Select(n =>
            $"{day.ParticipantNo(n)},Peserta {n},{NationalId(n)},1999-02-03,general,POS-9,false,{HttpExamDay.Kanreg},{day.Site}")]);
        await Report(await day.Operator.PostAsync("/api/imports/candidates", Csv(registered)));

        var otherKanreg = $"KANREG-X/SITE-X/{room2.Split('/')[2]}/2/R09";
        var file = string.Join("\n",
            "room,participantNo,seat",
            $"{room2},{day.ParticipantNo(6)},A1",          // 2
            $"{room2},{day.ParticipantNo(7)},A2",          // 3
            $"{room2},{day.ParticipantNo(8)},A2",          // 4: A2 is 7's
            $"{room2},{day.ParticipantNo(1)},A3",          // 5: already seated for this exam in R01
            $"{room2},UNREGISTERED-1,A3",                   // 6
            $"{otherKanreg},{day.ParticipantNo(9)},A1",    // 7: another Kanreg's room
            $"{room2},{day.ParticipantNo(6)},A3",          // 8: 6 again
            $"not/a/room,{day.ParticipantNo(9)},A1",       // 9
            $"{day.RoomKey},{day.ParticipantNo(2)},S2");   // 10: as Prepare seated it
        var kanregOperator = factory.CreateClient().As(TestStaff.Operator(HttpExamDay.Kanreg));
        var (_, lines) = await Report(await kanregOperator.PostAsync("/api/imports/rosters", Csv(file)));
        Assert.Equal([
            $"2 {day.ParticipantNo(6)} created", $"3 {day.ParticipantNo(7)} created", $"4 {day.ParticipantNo(8)} refused roster.seat_conflict",
            $"5 {day.ParticipantNo(1)} refused candidate.already_seated", "6 UNREGISTERED-1 refused candidate.not_found",
            $"7 {day.ParticipantNo(9)} refused auth.forbidden", $"8 {day.ParticipantNo(6)} refused import.duplicate_line",
            $"9 {day.ParticipantNo(9)} refused request.invalid_key", $"10 {day.ParticipantNo(2)} unchanged",
        ], lines);
        var view = await Expect(200, await kanregOperator.GetAsync(second));
        Assert.Equal([day.ParticipantNo(6), day.ParticipantNo(7)], view.GetProperty("seats").EnumerateArray().Select(s => s.GetProperty("participantNo").GetString()).Order());

        // Again: the seated lines are unchanged, and a refused seat claimed nothing (8 and 1 can still be seated elsewhere).
        var (_, again) = await Report(await kanregOperator.PostAsync("/api/imports/rosters", Csv(file)));
        Assert.Equal(lines.Select(l => l.Replace(" created", " unchanged", StringComparison.Ordinal)), again);
        var (_, fixedUp) = await Report(await kanregOperator.PostAsync("/api/imports/rosters", Csv($"room,participantNo,seat\n{room2},{day.ParticipantNo(8)},A3\n{room2},{day.ParticipantNo(9)},A4")));
        Assert.Equal([$"2 {day.ParticipantNo(8)} created", $"3 {day.ParticipantNo(9)} refused room.full"], fixedUp);
    }

    [Fact]
    public async Task Photos_in_a_multipart_stream_or_a_zip_are_enrolled_once_and_bad_ones_are_refused_alone()
    {
        var day = await new HttpExamDay(factory.CreateClient).Prepare(candidates: 3);
        MultipartFormDataContent Photos(params (string Name, byte[] Bytes)[] parts)
        {
            var content = new MultipartFormDataContent();
            foreach (var (name, bytes) in parts)
                content.Add(new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } }, "photo", name);
            return content;
        }
        var (kit, biden) = (TestPhotos.Bytes("kit_harington_1.jpg"), TestPhotos.Bytes("biden_1.jpg"));
        var upload = Photos(($"{day.ParticipantNo(1)}.jpg", kit), ($"{day.ParticipantNo(2)}.jpg", "not an image"u8.ToArray()),
            ("Foto peserta.jpg", biden), ($"{day.ParticipantNo(1)}.png", biden), ("NOBODY-HERE.jpg", biden), ($"{day.ParticipantNo(3)}.jpg", TestPhotos.Bytes("multi_two_people.jpg")));
        var (_, lines) = await Report(await day.Operator.PostAsync("/api/imports/photos", upload));
        Assert.Equal([
            $"1 {day.ParticipantNo(1)} created", $"2 {day.ParticipantNo(2)} refused image.unsupported_format", "3 Foto peserta refused import.line_invalid",
            $"4 {day.ParticipantNo(1)} refused import.duplicate_line", "5 NOBODY-HERE refused candidate.not_found", $"6 {day.ParticipantNo(3)} refused face.several",
        ], lines.Select(l => l.Replace("image.corrupt", "image.unsupported_format", StringComparison.Ordinal)));

        // The same photo again, as a zip this time: unchanged, and a new photo for someone else is enrolled.
        using var zipped = new MemoryStream();
        using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in new[] { ($"photos/{day.ParticipantNo(1)}.jpg", kit), ($"photos/{day.ParticipantNo(2)}.jpg", biden) })
            {
                await using var entry = await zip.CreateEntry(name).OpenAsync();
                await entry.WriteAsync(bytes);
            }
        }
        var (_, again) = await Report(await day.Operator.PostAsync("/api/imports/photos",
            new ByteArrayContent(zipped.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } }));
        Assert.Equal([$"1 {day.ParticipantNo(1)} unchanged", $"2 {day.ParticipantNo(2)} created"], again);

        // The enrolled photo is the one a face check-in is compared with.
        await Expect(200, await day.Proctor.PostAsync($"{day.RoomPath}/checkins/{day.ParticipantNo(1)}/face", TestPhotos.Jpeg("kit_harington_3.jpg")));
    }
}
