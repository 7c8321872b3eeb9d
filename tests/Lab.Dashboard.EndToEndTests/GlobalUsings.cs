// Usings every test file here needs.
global using Lab.Hosting;
