Console.Error.WriteLine("experiment: not built yet");
return 1;
