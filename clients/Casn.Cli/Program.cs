return await Casn.Cli.CasnCommand.RunAsync(args, Console.Out, Console.Error);
