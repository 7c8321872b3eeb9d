// Short labels for case and profile ids the way the seed card says them ("steady" for steady-cost-efficiency).
namespace Lab.Evidence;

public static class ShortNames
{
    /// <summary>The id's first dash-separated word: "steady-cost-efficiency" reads "steady", "naive-single" "naive".</summary>
    public static string Of(string id) => id.Split('-', 2)[0];

    /// <summary>Short labels for a set of ids, falling back to the full ids when two would read the same.</summary>
    public static IReadOnlyDictionary<string, string> For(IEnumerable<string> ids)
    {
        var list = ids.Distinct().ToList();
        var unique = list.Select(Of).Distinct().Count() == list.Count;
        return list.ToDictionary(id => id, id => unique ? Of(id) : id);
    }
}
