// A ring-buffer deque: vLLM's waiting queue needs push-back (arrivals) and push-front (preempted requests).
namespace Lab.ServingSim.Engine.Scheduling;

internal sealed class RequestDeque
{
    private EngineRequest[] _items = new EngineRequest[64];
    private int _head;

    public int Count { get; private set; }

    public EngineRequest this[int index] => _items[(_head + index) & (_items.Length - 1)];

    public EngineRequest PeekFront() => _items[_head];

    public void PushBack(EngineRequest request)
    {
        Grow();
        _items[(_head + Count) & (_items.Length - 1)] = request;
        Count++;
    }

    public void PushFront(EngineRequest request)
    {
        Grow();
        _head = (_head - 1) & (_items.Length - 1);
        _items[_head] = request;
        Count++;
    }

    public EngineRequest PopFront()
    {
        var item = _items[_head];
        _items[_head] = null!;
        _head = (_head + 1) & (_items.Length - 1);
        Count--;
        return item;
    }

    public bool Remove(EngineRequest request)
    {
        var mask = _items.Length - 1;
        for (var i = 0; i < Count; i++)
        {
            if (!ReferenceEquals(_items[(_head + i) & mask], request))
            {
                continue;
            }
            for (var j = i; j < Count - 1; j++)
            {
                _items[(_head + j) & mask] = _items[(_head + j + 1) & mask];
            }
            _items[(_head + Count - 1) & mask] = null!;
            Count--;
            return true;
        }
        return false;
    }

    private void Grow()
    {
        if (Count < _items.Length)
        {
            return;
        }
        var bigger = new EngineRequest[_items.Length * 2];
        for (var i = 0; i < Count; i++)
        {
            bigger[i] = this[i];
        }
        _items = bigger;
        _head = 0;
    }
}
