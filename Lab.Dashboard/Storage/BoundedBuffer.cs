// A fixed-capacity FIFO ring: adding to a full buffer evicts the oldest item and hands it back for index upkeep.
namespace Lab.Dashboard.Storage;

public sealed class BoundedBuffer<T> where T : class
{
    private readonly T?[] _items;
    private int _head;

    public BoundedBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new T?[capacity];
    }

    public int Capacity => _items.Length;

    public int Count { get; private set; }

    /// <summary>Adds an item; returns the evicted oldest item when the buffer was full, otherwise null.</summary>
    public T? Add(T item)
    {
        var slot = (_head + Count) % _items.Length;
        if (Count < _items.Length)
        {
            _items[slot] = item;
            Count++;
            return null;
        }
        var evicted = _items[_head];
        _items[_head] = item;
        _head = (_head + 1) % _items.Length;
        return evicted;
    }

    /// <summary>Oldest first.</summary>
    public IEnumerable<T> Items()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _items[(_head + i) % _items.Length]!;
        }
    }

    /// <summary>Newest first.</summary>
    public IEnumerable<T> ItemsNewestFirst()
    {
        for (var i = Count - 1; i >= 0; i--)
        {
            yield return _items[(_head + i) % _items.Length]!;
        }
    }
}
