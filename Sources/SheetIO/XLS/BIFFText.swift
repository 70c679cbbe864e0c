import Foundation

/// Text in the workbook's code page (BIFF5 and older: 8-bit text) or in BIFF8's
/// compressed Latin-1 / UTF-16LE forms.
enum BIFFText {
    /// Decodes 8-bit text of a BIFF5 workbook by its CODEPAGE. Windows-1258 and 1252 go
    /// through our own tables (``TextDecoder``); 1200 (UTF-16, which some writers put in
    /// BIFF5 files whose strings are still 8-bit) and unknown pages read as 1252.
    static func decode(_ bytes: ArraySlice<UInt8>, codePage: Int) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        switch codePage {
        case 1258: return TextDecoder.decodeSingleByte(Array(bytes), .windows1258)
        case 1250: if let s = String(bytes: bytes, encoding: .windowsCP1250) { return s }
        case 1251: if let s = String(bytes: bytes, encoding: .windowsCP1251) { return s }
        case 1253: if let s = String(bytes: bytes, encoding: .windowsCP1253) { return s }
        case 1254: if let s = String(bytes: bytes, encoding: .windowsCP1254) { return s }
        case 10000, 32768: if let s = String(bytes: bytes, encoding: .macOSRoman) { return s }
        case 932: if let s = String(bytes: bytes, encoding: .shiftJIS) { return s }
        case 65001: return String(decoding: bytes, as: UTF8.self)
        default: break
        }
        return TextDecoder.decodeSingleByte(Array(bytes), .windows1252)
    }

    /// Excel's error codes ([MS-XLS] 2.5.10 BErr) as the text a cell shows.
    static func errorText(_ code: UInt8) -> String {
        switch code {
        case 0x00: return "#NULL!"
        case 0x07: return "#DIV/0!"
        case 0x0F: return "#VALUE!"
        case 0x17: return "#REF!"
        case 0x1D: return "#NAME?"
        case 0x24: return "#NUM!"
        case 0x2A: return "#N/A"
        case 0x2B: return "#GETTING_DATA"
        default: return "#ERROR!"
        }
    }
}
