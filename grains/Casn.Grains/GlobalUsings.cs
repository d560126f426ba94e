global using Casn.Domain;
global using Casn.Domain.Exams;
global using Casn.Domain.Rooms;
global using Casn.Domain.Sessions;
global using Casn.Grains.Abstractions;
global using Microsoft.Extensions.Logging;
global using Microsoft.Extensions.Options;
global using Orleans.Concurrency;
