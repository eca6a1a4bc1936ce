/// A pattern the Pike VM cannot run (a backreference or lookaround needs
/// the captures of one path through the pattern; or counted repetitions make
/// it too large for a VM that runs every thread at once), as a program for a
/// backtracking VM with ECMA-262's semantics: alternatives and repetitions
/// tried in order, a repeated group's captures cleared at each iteration, an
/// iteration past the minimum that matches the empty string failing, a
/// backreference to a group that has not matched matching the empty string,
/// lookaround not backtracked into.
///
/// Backtracking can take exponential time (`^(x)?\1?a*a*a*a*a*a*a*a*$` against
/// "aaa…ab"), so every instruction run costs one step of a budget the caller
/// gives, and the search throws `PatternTooExpensive` when the budget runs
/// out. The VM keeps its own stack (no recursion except into lookaround,
/// whose depth is the pattern's nesting), so a long string cannot overflow
/// the thread's stack either.
struct BacktrackingRegex: Sendable {
    enum Instruction: Sendable {
        case set(Int), split(Int, Int), jump(Int), start, end, boundary(Bool), match
        /// slots[n] = position
        case save(Int)
        /// slots lo..<hi forgotten (a repeated group's captures, at each iteration)
        case clear(Int, Int)
        /// the text group n captured, again
        case backreference(Int)
        /// whether `programs[n]` matches here (ahead) or ends here (behind)
        case look(Int, ahead: Bool, negated: Bool)
        /// slots[n] = position (where an iteration started) / fail if still there
        case mark(Int), progress(Int)
        /// the end of a lookbehind: at the position it looks behind from
        case atTarget
    }

    /// programs[0] is the pattern; the others its lookarounds.
    let programs: [[Instruction]]
    let sets: [ScalarSet]
    /// Two per group (0 unused), then one per repetition.
    let slots: Int
    static let maxInstructions = 100_000

    init?(_ tree: PatternNode, groups: Int) {
        var b = Builder(nextSlot: 2 * (groups + 1))
        guard let main = b.program(tree, behind: false) else { return nil }
        b.programs[0] = main
        programs = b.programs
        sets = b.sets
        slots = b.nextSlot
    }

    struct Builder {
        var programs: [[Instruction]] = [[]]
        var sets: [ScalarSet] = []
        var nextSlot: Int
        var size = 0

        init(nextSlot: Int) { self.nextSlot = nextSlot }

        mutating func program(_ tree: PatternNode, behind: Bool) -> [Instruction]? {
            var code: [Instruction] = []
            guard emit(tree, into: &code) else { return nil }
            if behind { code.append(.atTarget) }
            code.append(.match)
            return code
        }

        mutating func emit(_ n: PatternNode, into code: inout [Instruction]) -> Bool {
            size += 1
            guard size <= BacktrackingRegex.maxInstructions, code.count <= BacktrackingRegex.maxInstructions else { return false }
            switch n {
            case .backreference(let g): code.append(.backreference(g))
            case .set(let s): code.append(.set(sets.interning(s)))
            case .start: code.append(.start)
            case .end: code.append(.end)
            case .boundary(let b): code.append(.boundary(b))
            case .group(let g, let x):
                code.append(.save(2 * g))
                guard emit(x, into: &code) else { return false }
                code.append(.save(2 * g + 1))
            case .look(let x, let ahead, let negated):
                let index = programs.count
                programs.append([])
                guard let sub = program(x, behind: !ahead) else { return false }
                programs[index] = sub
                size += sub.count
                code.append(.look(index, ahead: ahead, negated: negated))
            case .sequence(let items):
                for x in items { guard emit(x, into: &code) else { return false } }
            case .alternation(let branches):
                var jumps: [Int] = []
                for (k, x) in branches.enumerated() {
                    if k == branches.count - 1 { guard emit(x, into: &code) else { return false }; break }
                    let split = code.count
                    code.append(.split(split + 1, 0))
                    guard emit(x, into: &code) else { return false }
                    jumps.append(code.count)
                    code.append(.jump(0))
                    code[split] = .split(split + 1, code.count)
                }
                for j in jumps { code[j] = .jump(code.count) }
            case .repetition(let x, let lo, let hi):
                let captured = BacktrackingRegex.groups(in: x)
                func iteration(_ code: inout [Instruction], checked: Bool) -> Bool {
                    let mark = nextSlot
                    if checked { nextSlot += 1; code.append(.mark(mark)) }
                    if let g = captured { code.append(.clear(2 * g.lowerBound, 2 * g.upperBound + 2)) }
                    guard emit(x, into: &code) else { return false }
                    if checked { code.append(.progress(mark)) }
                    return true
                }
                for _ in 0..<lo { guard iteration(&code, checked: false) else { return false } }
                if let hi {
                    var splits: [Int] = []
                    for _ in lo..<hi {
                        splits.append(code.count)
                        code.append(.split(code.count + 1, 0))
                        guard iteration(&code, checked: true) else { return false }
                    }
                    for s in splits { code[s] = .split(s + 1, code.count) }
                } else {
                    let loop = code.count
                    code.append(.split(loop + 1, 0))
                    guard iteration(&code, checked: true) else { return false }
                    code.append(.jump(loop))
                    code[loop] = .split(loop + 1, code.count)
                }
            }
            return true
        }
    }

    /// The lowest and highest group numbers inside `n`.
    static func groups(in n: PatternNode) -> ClosedRange<Int>? {
        func union(_ a: ClosedRange<Int>?, _ b: ClosedRange<Int>?) -> ClosedRange<Int>? {
            guard let a else { return b }
            guard let b else { return a }
            return min(a.lowerBound, b.lowerBound)...max(a.upperBound, b.upperBound)
        }
        switch n {
        case .group(let g, let x): return union(g...g, groups(in: x))
        case .sequence(let xs), .alternation(let xs): return xs.reduce(nil) { union($0, groups(in: $1)) }
        case .repetition(let x, _, _), .look(let x, _, _): return groups(in: x)
        case .set, .start, .end, .boundary, .backreference: return nil
        }
    }

    /// Whether the pattern matches anywhere in `s`, taking one step from
    /// `budget` per instruction run (a backreference: one per scalar compared).
    func search(_ s: String, budget: inout Int, source: String) throws(PatternTooExpensive) -> Bool {
        let text = s.unicodeScalars.map(\.value)
        var run = Run(regex: self, text: text, slots: [Int](repeating: -1, count: slots), budget: budget, source: source)
        defer { budget = run.budget }
        for start in 0...text.count where try run.match(0, at: start, target: -1) { return true }
        return false
    }

    struct Run {
        let regex: BacktrackingRegex
        let text: [UInt32]
        var slots: [Int]
        var budget: Int
        let source: String
        let initial: Int

        init(regex: BacktrackingRegex, text: [UInt32], slots: [Int], budget: Int, source: String) {
            self.regex = regex
            self.text = text
            self.slots = slots
            self.budget = budget
            self.source = source
            initial = budget
        }

        enum Entry { case branch(Int, Int), restore(Int, Int) }

        mutating func spend(_ n: Int) throws(PatternTooExpensive) {
            budget -= n
            if budget < 0 { throw PatternTooExpensive(source: source, steps: initial) }
        }

        /// Whether program `p` matches from `start` (a lookbehind's must end at `target`).
        /// On a match the slots hold its captures; otherwise they are as they were.
        mutating func match(_ p: Int, at start: Int, target: Int) throws(PatternTooExpensive) -> Bool {
            let code = regex.programs[p]
            var stack: [Entry] = []
            var pc = 0, pos = start
            while true {
                try spend(1)
                var ok = true
                switch code[pc] {
                case .match: return true
                case .set(let k):
                    if pos < text.count, regex.sets[k].contains(text[pos]) { pos += 1; pc += 1 } else { ok = false }
                case .split(let a, let b): stack.append(.branch(b, pos)); pc = a
                case .jump(let t): pc = t
                case .start: if pos == 0 { pc += 1 } else { ok = false }
                case .end: if pos == text.count { pc += 1 } else { ok = false }
                case .boundary(let want):
                    let before = pos > 0 ? text[pos - 1] : nil, after = pos < text.count ? text[pos] : nil
                    if (LinearRegex.isWord(before) != LinearRegex.isWord(after)) == want { pc += 1 } else { ok = false }
                case .save(let n), .mark(let n):
                    stack.append(.restore(n, slots[n]))
                    slots[n] = pos
                    pc += 1
                case .clear(let lo, let hi):
                    for n in lo..<hi where slots[n] != -1 { stack.append(.restore(n, slots[n])); slots[n] = -1 }
                    pc += 1
                case .progress(let n): if slots[n] != pos { pc += 1 } else { ok = false }
                case .atTarget: if pos == target { pc += 1 } else { ok = false }
                case .backreference(let g):
                    let a = slots[2 * g], b = slots[2 * g + 1]
                    if a < 0 || b < a { pc += 1; break }
                    let length = b - a
                    try spend(length)
                    if pos + length <= text.count, text[a..<b] == text[pos..<(pos + length)] { pos += length; pc += 1 } else { ok = false }
                case .look(let sub, let ahead, let negated):
                    let saved = slots
                    var found = false
                    if ahead {
                        found = try match(sub, at: pos, target: -1)
                    } else {
                        var from = pos
                        while from >= 0 {
                            if try match(sub, at: from, target: pos) { found = true; break }
                            from -= 1
                        }
                    }
                    if found != negated {
                        if negated { slots = saved } else {
                            // Captures made inside stay, undone when this path is.
                            for n in slots.indices where slots[n] != saved[n] { stack.append(.restore(n, saved[n])) }
                        }
                        pc += 1
                    } else {
                        slots = saved
                        ok = false
                    }
                }
                if ok { continue }
                var resumed = false
                while let e = stack.popLast() {
                    switch e {
                    case .restore(let n, let v): slots[n] = v
                    case .branch(let to, let at): pc = to; pos = at; resumed = true
                    }
                    if resumed { break }
                }
                if !resumed { return false }
            }
        }
    }
}
