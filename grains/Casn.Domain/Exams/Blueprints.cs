using System.Text.Json;
using System.Text.Json.Serialization;

namespace Casn.Domain.Exams;

/// <summary>The JSON shape of everything this service reads and writes: camelCase, enums by name.</summary>
public static class CasnJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }
}

/// <summary>The published blueprints that ship with the service as data (Blueprints/*.json).</summary>
public static class Blueprints
{
    public static ExamBlueprint SkdCpns2024 => Load("skd-cpns-2024.json");

    public static ExamBlueprint Pppk2024 => Load("pppk-2024.json");

    public static ExamBlueprint Load(string fileName)
    {
        using var stream = typeof(Blueprints).Assembly.GetManifestResourceStream($"Casn.Domain.Blueprints.{fileName}")
            ?? throw new FileNotFoundException($"No embedded blueprint named {fileName}.");
        return JsonSerializer.Deserialize<ExamBlueprint>(stream, CasnJson.Options)
            ?? throw new InvalidDataException($"Blueprint {fileName} is empty.");
    }
}

/// <summary>
/// Generates a synthetic item bank for a blueprint: real answer keys and weights, placeholder wording.
/// The agency's real bank is secret and is imported; this one is for demos, tests and load runs.
/// </summary>
public static class DemoItemBank
{
    public static ExamDefinition For(ExamBlueprint blueprint, int poolFactor = 2, ulong seed = 2024)
    {
        var random = new Papers.SplitMix64(seed);
        var items = new List<ItemDefinition>();
        foreach (var section in blueprint.Sections)
        {
            for (var n = 1; n <= section.ItemCount * poolFactor; n++)
            {
                var id = $"{section.Code}-{n:D4}";
                // Option texts name no letter or position: the candidate sees them in a shuffled order.
                var options = Enumerable.Range(0, section.OptionCount)
                    .Select(o => $"Pernyataan {OptionWords[o % OptionWords.Length]} untuk soal {id}").ToArray();
                items.Add(new ItemDefinition(id, section.Code, $"Soal latihan {section.Name} nomor {n}.", options,
                    PointsFor(section, random)));
            }
        }
        return new ExamDefinition(blueprint, $"demo-{seed}", [.. items]);
    }

    static readonly string[] OptionWords = ["merah", "biru", "hijau", "kuning", "ungu", "jingga", "putih", "hitam", "coklat", "abu-abu"];

    static int[] PointsFor(SectionDefinition section, Papers.SplitMix64 random)
    {
        var points = new int[section.OptionCount];
        var scoring = section.Scoring;
        if (scoring.Kind == ScoringKind.RightWrong)
        {
            points[random.NextBelow(points.Length)] = scoring.CorrectPoints;
            return points;
        }
        for (var o = 0; o < points.Length; o++)
            points[o] = scoring.MinOptionPoints + random.NextBelow(scoring.MaxOptionPoints - scoring.MinOptionPoints + 1);
        // Every weighted item offers its best answer, as TKP items do.
        points[random.NextBelow(points.Length)] = scoring.MaxOptionPoints;
        return points;
    }
}
