import XCTest
@testable import SheetIO
import TestSupport

/// Feeds bytes in chunks of a given size, to put every token across a buffer boundary.
final class ChunkedSource: ByteSource {
    let bytes: [UInt8]
    let chunk: Int
    var offset = 0
    init(_ s: String, chunk: Int) { bytes = Array(s.utf8); self.chunk = chunk }
    func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        let n = min(chunk, capacity, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}

final class XMLPullParserTests: XCTestCase {
    /// The events of a document as readable strings.
    private func events(_ xml: String, chunk: Int = 1 << 20, limits: ReadLimits = .default) throws -> [String] {
        let p = XMLPullParser(source: ChunkedSource(xml, chunk: chunk), file: "t.xml", part: "p", limits: limits, initialCapacity: 16)
        var out: [String] = []
        while true {
            switch try p.next() {
            case .eof: return out
            case .start:
                let name = String(decoding: UnsafeBufferPointer(start: p.base + p.nameStart, count: p.nameLength), as: UTF8.self)
                var attrs: [String] = []
                for a in p.attributes {
                    let n = String(decoding: UnsafeBufferPointer(start: p.base + a.nameStart, count: a.nameLength), as: UTF8.self)
                    attrs.append("\(a.hasPrefix ? "*" : "")\(n)=\(try p.decodeString(a.valueStart, a.valueLength, hasEntity: a.valueHasEntity))")
                }
                out.append("<\(name)\(attrs.isEmpty ? "" : " " + attrs.joined(separator: " "))>")
            case .end:
                out.append("</\(String(decoding: UnsafeBufferPointer(start: p.base + p.nameStart, count: p.nameLength), as: UTF8.self))>")
            case .text:
                var b: [UInt8] = []
                try p.appendText(to: &b)
                out.append("'\(String(decoding: b, as: UTF8.self))'")
            }
        }
    }

    let doc = """
    \u{FEFF}<?xml version="1.0" encoding="UTF-8"?>
    <!-- a comment -->
    <x:sst xmlns:x="urn:x" count='2'><x:si><x:t xml:space="preserve"> Mường &amp; Tè &#x1EA1;&#7841; </x:t></x:si>\
    <x:si><x:t><![CDATA[<b>&amp;</b>]]></x:t><x:e a="1 &lt; 2"/></x:si></x:sst>
    """

    func testEventsAreTheSameWhateverTheChunkSize() throws {
        let whole = try events(doc)
        XCTAssertEqual(whole, [
            "<sst *x=urn:x count=2>", "<si>", "<t *space=preserve>", "' Mường & Tè ạạ '", "</t>", "</si>",
            "<si>", "<t>", "'<b>&amp;</b>'", "</t>", "<e a=1 < 2>", "</e>", "</si>", "</sst>",
        ])
        for chunk in [1, 2, 3, 5, 7, 13, 64] {
            XCTAssertEqual(try events(doc, chunk: chunk), whole, "chunk \(chunk)")
        }
    }

    func testLineEndsAreNormalisedAsXMLRequires() throws {
        XCTAssertEqual(try events("<a>x\r\ny\rz</a>"), ["<a>", "'x\ny\nz'", "</a>"])
        XCTAssertEqual(try events("<a>x&#13;\ny</a>"), ["<a>", "'x\r\ny'", "</a>"])
    }

    func testRefusesDTDsAndUndefinedEntities() {
        XCTAssertThrowsError(try events("<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>")) { e in
            guard case .forbiddenXML = (e as! SheetIOError).kind else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try events("<a>&e;</a>")) { e in
            guard case .forbiddenXML = (e as! SheetIOError).kind else { return XCTFail("\(e)") }
        }
    }

    func testRejectsMalformedDocuments() {
        for bad in ["<a>", "<a", "<a b=c/>", "<a b=\"1/>", "</a>", "<a><!-- x</a>", "", "text only"] {
            XCTAssertThrowsError(try events(bad), bad)
        }
    }

    func testDepthAndTokenLimitsAreEnforcedWhileReading() {
        var limits = ReadLimits()
        limits.maxXMLDepth = 10
        let deep = String(repeating: "<a>", count: 11) + String(repeating: "</a>", count: 11)
        XCTAssertThrowsError(try events(deep, limits: limits)) { e in
            XCTAssertEqual((e as! SheetIOError).kind, .limitExceeded(.xmlDepth, 10))
        }
        limits.maxStringBytes = 1000
        let long = "<a>" + String(repeating: "x", count: 5000) + "</a>"
        XCTAssertThrowsError(try events(long, chunk: 100, limits: limits)) { e in
            XCTAssertEqual((e as! SheetIOError).kind, .limitExceeded(.stringBytes, 1000))
        }
    }
}
