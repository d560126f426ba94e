using System.Text.Json.Nodes;
using Casn.Domain.Candidates;
using Casn.Grains.Abstractions;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Casn.Silo.Http;

/// <summary>
/// The OpenAPI document as the contract (<c>/openapi/v1.json</c>): who may call each operation (security schemes from each
/// endpoint's <see cref="AccessPolicy"/>), every error as a ProblemDetails whose <c>code</c> is one of the documented
/// <c>ErrorCode</c> values (<see cref="ErrorCatalog"/>), and the success bodies the endpoints declare. The reference page at
/// <c>/api-docs</c> (Scalar) reads it; <c>Casn:Api:Docs=false</c> turns that page off.
/// </summary>
public static class ApiDocument
{
    public const string StaffScheme = "staff";
    public const string SessionScheme = "session";
    public const string WorkstationKeyScheme = "workstationKey";
    public const string ProblemSchema = "Problem";
    public const string ErrorCodeSchema = "ErrorCode";
    public const string ProblemJson = "application/problem+json";
    public const string DocsPath = "/api-docs";

    public static IServiceCollection AddCasnOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddOperationTransformer((operation, context, _) =>
        {
            Describe(operation, context);
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            Annotate(schema, context);
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            Complete(document);
            return Task.CompletedTask;
        });
    });

    /// <summary>The reference page, unless <c>Casn:Api:Docs</c> is false (on by default, and in the embedded default).</summary>
    public static void MapCasnApiDocs(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Casn:Api:Docs", true)) return;
        Scalar.AspNetCore.ScalarEndpointRouteBuilderExtensions.MapScalarApiReference(app, DocsPath, options =>
        {
            options.Title = "Casn.Orleans API";
            options.OpenApiRoutePattern = "/openapi/{documentName}.json";
            // Nothing from other origins: no CDN fonts, no telemetry (a silo's network may reach nothing outside anyway).
            options.DefaultFonts = false;
            options.Telemetry = false;
        }).AllowPublic();
    }

    static void Complete(OpenApiDocument document)
    {
        document.Info.Title = "Casn.Orleans API";
        document.Info.Description =
            "Computer-assisted civil-servant selection tests (CASN): exams, rooms, sittings, faces, boards, results.\n\n" +
            "**Staff** (operators, proctors) send a staff token as `Authorization: Bearer`. **Workstations** log in to a sitting " +
            "with the check-in PIN and their own secret key, then send the session token as `Authorization: Bearer` and the same " +
            "key as `X-Workstation-Key`. Public reads (boards, certificates, announcements) need nothing.\n\n" +
            "Every error is a ProblemDetails (`application/problem+json`) with a stable `code` (see the `ErrorCode` schema); " +
            "503s carry `Retry-After`, and every write can be retried as it was sent.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[StaffScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "casn staff token",
            Description = "A staff token (national or Kanreg operator, or a room's proctor), issued with `casn token issue`.",
        };
        document.Components.SecuritySchemes[SessionScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "casn session token",
            Description = "The session token a workstation got from `POST /api/sessions/{…}/login`.",
        };
        document.Components.SecuritySchemes[WorkstationKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = SessionEndpoints.WorkstationKeyHeader,
            Description = "The workstation's own secret key (16-128 letters, digits, '-' or '_'), the one it logged in with.",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ErrorCodeSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "The stable error codes; clients switch on these. Each has one HTTP status:\n\n" +
                string.Join("\n", ErrorCatalog.All.Select(e => $"- `{e.Code}` ({e.Status}): {e.Description}")),
            Enum = [.. ErrorCatalog.All.Select(e => (JsonNode)JsonValue.Create(e.Code)!)],
            Extensions = new Dictionary<string, IOpenApiExtension>
            {
                ["x-enum-descriptions"] = new JsonNodeExtension(new JsonArray([.. ErrorCatalog.All.Select(e => (JsonNode)JsonValue.Create(e.Description)!)])),
            },
        };
        document.Components.Schemas[ProblemSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem details with the service's stable code.",
            Required = new HashSet<string> { "code", "status", "title" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "`urn:casn:error:{code}`" },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The code again." },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong, for people." },
                ["code"] = new OpenApiSchemaReference(ErrorCodeSchema, document),
                ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Quote it when reporting a problem." },
            },
        };
    }

    /// <summary>What the names alone do not say, for the fields clients get wrong.</summary>
    static readonly Dictionary<(Type Type, string Property), string> FieldNotes = new()
    {
        [(typeof(AnswerRequest), "sequence")] = "Counts up from 1, one per answer this workstation sends (at most 2^31 - 1). A resend of an unacknowledged answer uses the same number and gets the same ack.",
        [(typeof(AnswerRequest), "choice")] = "The option's position as the page showed it, counting from 0 (each candidate has their own option order); null clears the answer.",
        [(typeof(Casn.Domain.Sessions.AnswerAck), "applied")] = "false when a newer answer (a higher sequence) for the same item was already stored: this one is kept in the audit log but changes nothing.",
        [(typeof(Casn.Domain.Sessions.AnswerAck), "replayed")] = "true when this sequence was acknowledged before: the same ack again, nothing stored twice.",
        [(typeof(CheckInBody), "method")] = "`manual` (ID card seen; a reason is required) or `face` (use …/checkins/{participantNo}/face with the live capture).",
        [(typeof(ExamDefinitionBody), "id")] = "The exam id: the address's, or left out (the blueprint's id is the exam's and must match the address too).",
    };

    /// <summary>Filled-in requests for the main operations, as the reference page shows them.</summary>
    static readonly Dictionary<Type, string> Examples = new()
    {
        [typeof(AnswerRequest)] = """{"sequence": 7, "choice": 2}""",
        [typeof(LoginRequest)] = """{"pin": "482913", "workstationId": "WS-R01-14", "workstationKey": "k3Y-of-this-workstation-0123456789abcdef"}""",
        [typeof(CheckInBody)] = """{"participantNo": "24100110001", "method": "manual", "proctor": {"reason": "KTP checked against the photo"}}""",
        [typeof(ActionNote)] = """{"reason": "Asked to leave the room; phone found"}""",
        [typeof(ExtendTimeRequest)] = """{"minutes": 10, "reason": "Power cut at this workstation"}""",
        [typeof(Casn.Domain.Rooms.RoomSetup)] = """{"examId": "CPNS-2024-SKD", "name": "Ruang 1", "startsAt": "2026-12-07T08:00:00+07:00", "seats": 40}""",
        [typeof(Casn.Domain.Rooms.RosterEntry)] = """{"participantNo": "24100110001", "seat": "S01"}""",
        [typeof(CandidateProfile)] = """{"participantNo": "24100110001", "name": "Siti Rahayu", "nationalId": "3175000000000001", "birthDate": "1998-05-17", "category": "general", "positionId": "FORMASI-ANALIS-01", "accessible": false, "kanreg": "KANREG-V", "site": "JAKARTA-01"}""",
        [typeof(PositionRequest)] = """{"agency": "Kementerian Contoh", "title": "Analis Kebijakan Ahli Pertama", "openings": 4}""",
        [typeof(ProctorTokenRequest)] = """{"proctorId": "PR-0107", "name": "Dewi Lestari", "hours": 10}""",
    };

    static void Annotate(OpenApiSchema schema, OpenApiSchemaTransformerContext context)
    {
        if (context.JsonPropertyInfo is { } property)
        {
            if (property.DeclaringType is { } owner && FieldNotes.TryGetValue((owner, property.Name), out var note)) schema.Description = note;
            return;
        }
        if (Examples.TryGetValue(context.JsonTypeInfo.Type, out var example)) schema.Examples = [JsonNode.Parse(example)!];
    }

    /// <summary>
    /// Documents a body the endpoint reads itself (a stream of lines, images, an archive). Such endpoints declare no
    /// <c>Accepts</c>: routing would answer another content type with 415 before access control has run.
    /// </summary>
    public static TBuilder DocumentBody<TBuilder>(this TBuilder builder, string description, params string[] contentTypes)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new StreamedBody(description, contentTypes));

    sealed record StreamedBody(string Description, string[] ContentTypes);

    /// <summary>Security from the endpoint's access policy, and the ProblemDetails responses it can give.</summary>
    static void Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var document = context.Document!;
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<StreamedBody>().LastOrDefault() is { } body)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = body.Description,
                Content = body.ContentTypes.ToDictionary(t => t, t => new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                }),
            };
        }
        var policy = metadata.OfType<AccessPolicy>().LastOrDefault()?.Name ?? Access.Public;
        var path = context.Description.RelativePath ?? "";
        var method = context.Description.HttpMethod ?? "GET";
        var login = path.EndsWith("/login", StringComparison.Ordinal);
        var secured = policy != Access.Public && !(policy == Access.Candidate && login);

        if (secured)
        {
            operation.Security ??= [];
            operation.Security.Add(policy == Access.Candidate
                ? new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(SessionScheme, document)] = [],
                    [new OpenApiSecuritySchemeReference(WorkstationKeyScheme, document)] = [],
                }
                : new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(StaffScheme, document)] = [] });
        }

        var statuses = new SortedSet<int> { 400, 429, 500, 503 };
        if (metadata.OfType<StreamedBody>().Any()) statuses.Add(415);
        if (secured || login) statuses.UnionWith([401, 403]);
        if (path.Contains('{', StringComparison.Ordinal)) statuses.Add(404);
        if (method != "GET")
        {
            statuses.UnionWith([409, 422]);
            // Every write here is a PUT or a POST, and the service caps request bodies (request.too_large).
            if (method is "PUT" or "POST") statuses.Add(413);
        }
        operation.Responses ??= new OpenApiResponses();
        foreach (var status in statuses)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.ContainsKey(key)) continue;
            var codes = ErrorCatalog.All.Where(e => e.Status == status).Select(e => $"`{e.Code}`");
            operation.Responses[key] = new OpenApiResponse
            {
                Description = $"A ProblemDetails; its code is one of {string.Join(", ", codes)}.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [ProblemJson] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
                },
            };
        }
    }
}
