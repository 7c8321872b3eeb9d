// A Prometheus histogram (cumulative buckets, _sum, _count) written in the text exposition format.
using System.Globalization;
using System.Text;

namespace Lab.ServingSim.Serving;

internal sealed class PrometheusHistogram(string name, string help, double[] buckets)
{
    private readonly long[] _counts = new long[buckets.Length + 1];
    private double _sum;
    private long _count;

    public string Name => name;

    public void Observe(double value)
    {
        if (double.IsNaN(value))
        {
            return;
        }
        var i = 0;
        while (i < buckets.Length && value > buckets[i])
        {
            i++;
        }
        lock (_counts)
        {
            _counts[i]++;
            _sum += value;
            _count++;
        }
    }

    public void Write(StringBuilder text, string labels)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" histogram\n");
        lock (_counts)
        {
            long cumulative = 0;
            for (var i = 0; i <= buckets.Length; i++)
            {
                cumulative += _counts[i];
                var le = i < buckets.Length ? buckets[i].ToString("0.0###########", CultureInfo.InvariantCulture) : "+Inf";
                text.Append(name).Append("_bucket{").Append(labels).Append(",le=\"").Append(le).Append("\"} ")
                    .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            text.Append(name).Append("_sum{").Append(labels).Append("} ").Append(_sum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            text.Append(name).Append("_count{").Append(labels).Append("} ").Append(_count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
