global using Casn.Domain;
global using Casn.Domain.Boards;
global using Casn.Domain.Candidates;
global using Casn.Domain.Exams;
global using Casn.Domain.Rooms;
global using Casn.Domain.Sessions;
global using Orleans.Concurrency;
global using Casn.Domain.Imports;
