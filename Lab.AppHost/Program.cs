Console.Error.WriteLine("AppHost: not built yet");
return 1;
