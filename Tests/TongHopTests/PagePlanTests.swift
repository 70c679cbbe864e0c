import XCTest
@testable import TongHop

/// The summary's own page breaks (issue 26, item 10), on layouts made to provoke each
/// fault: rows that fill a page exactly to a group heading, and a table whose last row
/// would stand alone with the signature block.
final class PagePlanTests: XCTestCase {
    /// A page's capacity in rows of 20 points at 100 %.
    let perPage = Int(PagePlan.landscapeHeight * PagePlan.fill / 20)

    func testAGroupHeadingNeverEndsAPage() {
        // Rows 0–1 repeated header; a heading exactly where the first page ends.
        let heading = perPage - 1
        let breaks = PagePlan.breaks(last: 200, height: { _ in 20 }, scale: 100, repeated: 0...1, keepWithNext: [heading], tail: nil)
        XCTAssertEqual(breaks.first, heading, "the heading opens the next page instead of closing this one")
        // Without the heading the page is filled to its last row.
        XCTAssertEqual(PagePlan.breaks(last: 200, height: { _ in 20 }, scale: 100, repeated: 0...1, keepWithNext: [], tail: nil).first, perPage)
        // Every page but the last holds rows beyond the repeated header.
        var pages = breaks
        pages.insert(0, at: 0)
        for (a, b) in zip(pages, pages.dropFirst()) { XCTAssertGreaterThan(b - a, 2, "\(breaks)") }
    }

    func testTheSignatureBlockKeepsThreeRowsAndIsNeverSplit() {
        // A page filled to its last row, then the block of 10 rows (notes, signatures).
        let tail = perPage...(perPage + 9)
        let breaks = PagePlan.breaks(last: tail.upperBound, height: { _ in 20 }, scale: 100, repeated: 0...1, keepWithNext: [], tail: tail)
        XCTAssertEqual(breaks, [perPage - 3], "the block on the next page with the three rows before it")
        // A block that fits stays on the page.
        XCTAssertEqual(PagePlan.breaks(last: 20, height: { _ in 20 }, scale: 100, repeated: 0...1, keepWithNext: [], tail: 15...20), [])
        // A block taller than a page is not broken up by the planner (and the loop ends).
        let huge = PagePlan.breaks(last: 400, height: { _ in 20 }, scale: 100, repeated: 0...1, keepWithNext: [], tail: 10...400)
        XCTAssertFalse(huge.contains { $0 > 10 }, "\(huge)")
    }

    func testTheScaleFitsThePrintedColumnsAndBreaksFollowIt() {
        // 134 column units (the Lai Châu summary's printed columns) at 7,3 pt, 4 % to spare: 68 %.
        XCTAssertEqual(PagePlan.scale(widths: [5, 7, 40, 12, 13, 13, 13, 10, 10, 11]), 68, "703 pt × 0,96 over 134 × 7,3 pt")
        XCTAssertEqual(PagePlan.scale(widths: [5, 20]), 100, "never above 100 %")
        // At a smaller scale more rows fit a page.
        let full = PagePlan.breaks(last: 300, height: { _ in 20 }, scale: 100, repeated: nil, keepWithNext: [], tail: nil)
        let small = PagePlan.breaks(last: 300, height: { _ in 20 }, scale: 50, repeated: nil, keepWithNext: [], tail: nil)
        XCTAssertEqual(small.first, 2 * full.first!)
    }

    /// The template's receiving unit follows the 2025 reorganisation, and the act the form
    /// is issued with is read.
    func testTheReceiverFollowsTheTemplatesDates() throws {
        let t = try Template.load(path: TemplateTests.path)
        XCTAssertEqual(t.receiver(for: Period("2024")!), "Sở Kế hoạch và Đầu tư tỉnh Lai Châu")
        XCTAssertEqual(t.receiver(for: Period("2025-6T")!), "Sở Tài chính tỉnh Lai Châu")
        XCTAssertEqual(t.receiver(for: Period("2026")!), "Sở Tài chính tỉnh Lai Châu")
        XCTAssertTrue(t.official.issuedWith?.hasPrefix("Ban hành kèm theo") ?? false)
    }
}
