// SPDX-License-Identifier: Apache-2.0
/// Jobs waiting for a deadline (nanoseconds on CLOCK_BOOTTIME), earliest first;
/// equal deadlines keep the order they came in.
struct TimerHeap<Element> {
    private var items: [(deadline: UInt64, order: UInt64, element: Element)] = []
    private var nextOrder: UInt64 = 0

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }
    var earliest: UInt64? { items.first?.deadline }

    mutating func insert(_ element: Element, at deadline: UInt64) {
        items.append((deadline, nextOrder, element))
        nextOrder &+= 1
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(child, parent) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and answers every element due at `now`, in deadline order.
    mutating func popDue(now: UInt64) -> [Element] {
        var due: [Element] = []
        while let first = items.first, first.deadline <= now {
            due.append(first.element)
            items.swapAt(0, items.count - 1)
            items.removeLast()
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < items.count, precedes(left, smallest) { smallest = left }
                if right < items.count, precedes(right, smallest) { smallest = right }
                guard smallest != parent else { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return due
    }

    private func precedes(_ a: Int, _ b: Int) -> Bool {
        (items[a].deadline, items[a].order) < (items[b].deadline, items[b].order)
    }
}
