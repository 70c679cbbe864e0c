/// A whole sheet in memory: its rows with values (sorted, sparse) and merged ranges.
public struct Sheet: Sendable {
    public var name: String
    public var rows: [Row]
    public var mergedRanges: [CellRange]
    /// When reading stopped at a row cap: the 0-based index of the first row with values
    /// that was not read.
    public var truncatedAt: Int?
    /// Hidden columns (0-based ranges).
    public var hiddenColumns: [ClosedRange<Int>] = []
    /// Hidden rows (0-based ranges).
    public var hiddenRows: [ClosedRange<Int>] = []

    /// Whether a 0-based column is hidden.
    public func isHidden(column c: Int) -> Bool { hiddenColumns.contains { $0.contains(c) } }

    /// Whether a 0-based row is hidden.
    public func isHidden(row r: Int) -> Bool { hiddenRows.contains { $0.contains(r) } }

    public init(name: String, rows: [Row], mergedRanges: [CellRange] = []) {
        var rows = rows
        if !zip(rows, rows.dropFirst()).allSatisfy({ $0.index < $1.index }) {
            rows.sort { $0.index < $1.index }
            var merged: [Row] = []
            for r in rows {
                if let last = merged.last, last.index == r.index {
                    var cells = last.cells + r.cells
                    cells.sort { $0.column < $1.column }
                    merged[merged.count - 1] = Row(index: r.index, cells: cells)
                } else { merged.append(r) }
            }
            rows = merged
        }
        self.name = name
        self.rows = rows
        self.mergedRanges = mergedRanges
    }

    /// The cell at a position, if it holds a value or a formula.
    public func cell(at ref: CellRef) -> Cell? {
        rowPosition(ref.row).flatMap { rows[$0][column: ref.column] }
    }

    /// The position in ``rows`` of the row with this 0-based index, if it has values.
    public func rowPosition(_ index: Int) -> Int? {
        var lo = 0, hi = rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if rows[mid].index < index { lo = mid + 1 } else { hi = mid }
        }
        return lo < rows.count && rows[lo].index == index ? lo : nil
    }

    public subscript(_ a1: String) -> CellValue {
        guard let ref = CellRef(a1: a1) else { return .empty }
        return cell(at: ref)?.value ?? .empty
    }

    /// The last used row and column (0-based), or nil for an empty sheet.
    public var extent: CellRef? {
        guard let last = rows.last else { return nil }
        let maxCol = rows.map { $0.cells.last?.column ?? 0 }.max() ?? 0
        return CellRef(row: last.index, column: maxCol)
    }

    /// The merged range whose top-left cell holds the value shown at `ref`, if any.
    public func mergedRange(containing ref: CellRef) -> CellRange? {
        mergedRanges.first { $0.contains(ref) }
    }
}
