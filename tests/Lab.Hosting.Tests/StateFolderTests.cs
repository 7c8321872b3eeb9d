using Lab.Hosting.ApplicationModel;
using Lab.Hosting.Native;
using Lab.Hosting.Orchestration;

namespace Lab.Hosting.Tests;

public sealed class StateFolderTests
{
    [Fact]
    public void A_generated_secret_is_remembered_and_a_configured_one_wins()
    {
        using var root = new TemporaryDirectory("lab-state-");
        var state = new StateFolder(Path.Combine(root.Path, ".lab"));
        state.Prepare(fresh: false);
        var generated = new ParameterResource("pw", secret: true, defaultValue: null, generateWhenMissing: true);
        var configured = new ParameterResource("key", secret: true, defaultValue: null, generateWhenMissing: true) { Value = "from-config" };

        var first = new PortAllocation();
        state.ResolveParameters([generated, configured], first);
        var second = new PortAllocation();
        state.ResolveParameters([generated, configured], second);

        Assert.Equal(22, first.Parameter(generated).Length);
        Assert.Equal(first.Parameter(generated), second.Parameter(generated));
        Assert.Equal("from-config", second.Parameter(configured));
        Assert.DoesNotContain("from-config", File.ReadAllText(state.ParametersFile));
    }

    [Fact]
    public void Fresh_wipes_what_was_remembered()
    {
        using var root = new TemporaryDirectory("lab-state-");
        var state = new StateFolder(Path.Combine(root.Path, ".lab"));
        state.Prepare(fresh: false);
        var generated = new ParameterResource("pw", secret: true, defaultValue: null, generateWhenMissing: true);
        var before = new PortAllocation();
        state.ResolveParameters([generated], before);

        state.Prepare(fresh: true);
        var after = new PortAllocation();
        state.ResolveParameters([generated], after);

        Assert.NotEqual(before.Parameter(generated), after.Parameter(generated));
    }

    [Fact]
    public void The_state_folder_is_found_at_the_repository_root_above_the_apphost()
    {
        using var root = new TemporaryDirectory("lab-repo-");
        File.WriteAllText(Path.Combine(root.Path, "Lab.sln"), "");
        var appHost = Directory.CreateDirectory(Path.Combine(root.Path, "Lab.AppHost")).FullName;

        Assert.Equal(Path.Combine(root.Path, ".lab"), StateFolder.Locate(appHost));
    }
}
