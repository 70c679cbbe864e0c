/// The language of messages shown to people. Workbooks are always in Vietnamese.
public enum MessageLanguage: String, Sendable, CaseIterable {
    case vi, en

    /// From `LANG`/`LC_ALL`/`LC_MESSAGES`: English when they name an `en` locale, else Vietnamese.
    public static func fromEnvironment(_ env: [String: String]) -> MessageLanguage {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let v = env[key], !v.isEmpty {
                return v.lowercased().hasPrefix("en") ? .en : .vi
            }
        }
        return .vi
    }
}

/// Why a spreadsheet could not be read or written. Renders as one line naming the file,
/// and where known the part inside the archive, the sheet and the cell.
public struct SheetIOError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The file does not exist or cannot be opened.
        case cannotOpen(String)
        /// An Excel 97-2003 file (.xls) given to the XLSX reader (``SpreadsheetDocument``
        /// reads it with ``XLSWorkbook``).
        case legacyXLS
        /// An .xls file that cannot be read, and why (one of the reasons of
        /// ``CompoundFile`` and ``BIFFGlobals``).
        case xlsUnreadable(String)
        /// An OLE container holding an encrypted OOXML package: a password-protected workbook.
        case encrypted
        /// Neither a ZIP archive nor a known spreadsheet format.
        case notASpreadsheet
        /// A ZIP archive that is not an XLSX workbook (ODS, DOCX, …).
        case notXLSX(String)
        /// The ZIP container is damaged (libzip's message).
        case corruptZip(String)
        /// A part's CRC-32 does not match its content.
        case badCRC
        /// A configured limit (``ReadLimits``) was reached.
        case limitExceeded(Limit, Int64)
        /// The XML of a part is not well formed.
        case malformedXML(String)
        /// A DTD or an entity other than XML's predefined and numeric ones.
        case forbiddenXML(String)
        /// Text that is not valid UTF-8.
        case invalidUTF8
        /// A cell whose content cannot be what it says (bad reference, shared-string index…).
        case invalidCell(String)
        /// No sheet with that name or number.
        case noSuchSheet(String)
        /// A CSV file that cannot be read as text.
        case csv(String)
        /// Writing failed (libxlsxwriter's message or the file system's).
        case write(String)
        /// The folder the output goes in does not exist.
        case folderMissing(String)
        /// The output names a file the command reads or keeps (the store, an input).
        case outputIsInput(String)
    }

    /// The limits of ``ReadLimits``, named for messages.
    public enum Limit: String, Sendable, Equatable {
        case fileBytes, entryBytes, totalBytes, rows, columns, stringBytes, sharedStrings
        case xmlDepth, attributes, csvRows, csvFields, cells, seconds

        func message(_ limit: Int64, _ lang: MessageLanguage) -> String {
            let vi = lang == .vi
            let size = ReadLimits.bytesText(limit)
            switch self {
            case .fileBytes: return vi ? "tệp lớn hơn \(size)" : "file larger than \(size)"
            case .entryBytes: return vi ? "một phần giải nén ra hơn \(size) (bom ZIP?)" : "one part inflates to more than \(size) (zip bomb?)"
            case .totalBytes: return vi ? "sổ làm việc giải nén ra hơn \(size) (bom ZIP?)" : "the workbook inflates to more than \(size) (zip bomb?)"
            case .rows: return vi ? "quá \(limit) dòng" : "more than \(limit) rows"
            case .columns: return vi ? "quá \(limit) cột" : "more than \(limit) columns"
            case .stringBytes: return vi ? "một chuỗi hoặc thẻ XML dài hơn \(size)" : "a text or XML token longer than \(size)"
            case .sharedStrings: return vi ? "quá \(limit) chuỗi dùng chung" : "more than \(limit) shared strings"
            case .xmlDepth: return vi ? "XML lồng sâu quá \(limit) cấp" : "XML nested deeper than \(limit) levels"
            case .attributes: return vi ? "một thẻ XML có quá \(limit) thuộc tính" : "an XML element with more than \(limit) attributes"
            case .csvRows: return vi ? "CSV quá \(limit) dòng" : "CSV with more than \(limit) rows"
            case .csvFields: return vi ? "một dòng CSV quá \(limit) trường" : "a CSV row with more than \(limit) fields"
            case .seconds: return vi ? "đọc tệp quá \(limit) giây (giới hạn thời gian cho một tệp)" : "reading took more than \(limit) seconds (the per-file time limit)"
            case .cells: return vi ? "vùng dữ liệu quá \(limit) ô để in dạng lưới CSV (dạng JSON chỉ liệt kê các ô có dữ liệu)"
                                 : "a range of more than \(limit) cells for a CSV grid (JSON output lists only the cells used)"
            }
        }
    }

    public var kind: Kind
    public var file: String
    public var part: String?
    public var sheet: String?
    public var cell: String?

    public init(_ kind: Kind, file: String, part: String? = nil, sheet: String? = nil, cell: String? = nil) {
        self.kind = kind
        self.file = file
        self.part = part
        self.sheet = sheet
        self.cell = cell
    }

    public var description: String { message(.en) }

    /// One line: "FILE [part P, sheet S, cell C]: what is wrong — what to do".
    public func message(_ lang: MessageLanguage) -> String {
        var place: [String] = []
        if let part { place.append((lang == .vi ? "phần " : "part ") + part) }
        if let sheet { place.append((lang == .vi ? "trang " : "sheet ") + "\"\(sheet)\"") }
        if let cell { place.append((lang == .vi ? "ô " : "cell ") + cell) }
        let where_ = place.isEmpty ? "" : " (" + place.joined(separator: ", ") + ")"
        return "\(file)\(where_): \(what(lang))"
    }

    static func xlsReasonVi(_ why: String) -> String {
        switch why {
        case "the file is cut short or damaged": return "tệp bị cắt cụt hoặc hỏng"
        case "the OLE container is damaged": return "vỏ OLE của tệp bị hỏng"
        case "no Excel workbook stream inside": return "bên trong không có sổ làm việc Excel"
        case "the workbook records are damaged": return "các bản ghi của sổ làm việc bị hỏng"
        case "an Excel 2.x-4.x worksheet (before Excel 5)": return "trang tính Excel 2.x-4.x (trước Excel 5)"
        default: return why
        }
    }

    /// The reasons ``InputFile`` and the readers give, in Vietnamese.
    static func openReasonVi(_ why: String) -> String {
        switch why {
        case "no such file": return "không có tệp này"
        case "permission denied": return "không có quyền đọc"
        case "is a folder": return "đây là thư mục"
        case "not a regular file (a FIFO / named pipe)": return "không phải tệp thông thường (ống FIFO)"
        case "not a regular file (a socket)": return "không phải tệp thông thường (socket)"
        case "not a regular file (a device)": return "không phải tệp thông thường (thiết bị)"
        case "not a regular file": return "không phải tệp thông thường"
        default: return why
        }
    }

    private func what(_ lang: MessageLanguage) -> String {
        let vi = lang == .vi
        switch kind {
        case .cannotOpen(let why):
            return vi ? "không mở được tệp: \(SheetIOError.openReasonVi(why))" : "cannot open the file: \(why)"
        case .legacyXLS:
            return vi ? "tệp Excel 97-2003 (.xls), không phải XLSX; lưu lại dạng .xlsx"
                      : "an Excel 97-2003 (.xls) file, not an XLSX workbook; save it as .xlsx"
        case .xlsUnreadable(let why):
            return vi ? "không đọc được tệp Excel 97-2003 (.xls): \(SheetIOError.xlsReasonVi(why)); mở trong Excel hoặc LibreOffice và lưu lại dạng .xlsx"
                      : "cannot read this Excel 97-2003 (.xls) file: \(why); open it in Excel or LibreOffice and save it as .xlsx"
        case .encrypted:
            return vi ? "tệp có mật khẩu (được mã hoá); bỏ mật khẩu trong Excel (Tệp › Thông tin › Bảo vệ sổ làm việc) rồi lưu lại dạng .xlsx"
                      : "the workbook is password-protected (encrypted); remove the password in Excel (File › Info › Protect Workbook) and save as .xlsx"
        case .notASpreadsheet:
            return vi ? "không phải tệp XLSX hay CSV (không phải kho ZIP); lưu lại từ Excel dạng .xlsx"
                      : "not an XLSX or CSV file (not a ZIP archive); save it from Excel as .xlsx"
        case .notXLSX(let why):
            return vi ? "kho ZIP nhưng không phải sổ làm việc XLSX (\(why)); lưu lại từ Excel dạng .xlsx"
                      : "a ZIP archive but not an XLSX workbook (\(why)); save it from Excel as .xlsx"
        case .corruptZip(let why):
            return vi ? "tệp bị hỏng (ZIP: \(why))" : "the file is damaged (ZIP: \(why))"
        case .badCRC:
            return vi ? "tệp bị hỏng: mã kiểm tra CRC không khớp" : "the file is damaged: CRC check failed"
        case .limitExceeded(let limit, let value):
            return limit.message(value, lang)
        case .malformedXML(let why):
            return vi ? "XML không hợp lệ: \(why)" : "malformed XML: \(why)"
        case .forbiddenXML(let why):
            return vi ? "XML bị từ chối: \(why)" : "XML refused: \(why)"
        case .invalidUTF8:
            return vi ? "văn bản không phải UTF-8 hợp lệ" : "text is not valid UTF-8"
        case .invalidCell(let why):
            return vi ? "ô không hợp lệ: \(why)" : "invalid cell: \(why)"
        case .noSuchSheet(let name):
            return vi ? "không có trang \(name)" : "no sheet \(name)"
        case .csv(let why):
            return vi ? "không đọc được CSV: \(why)" : "cannot read the CSV: \(why)"
        case .write(let why):
            return vi ? "không ghi được: \(why)" : "cannot write: \(why)"
        case .folderMissing(let dir):
            return vi ? "không ghi được: chưa có thư mục \(dir) (hãy tạo thư mục trước)" : "cannot write: folder \(dir) does not exist (create it first)"
        case .outputIsInput(let other):
            return vi ? "tệp ra trùng với \(other) (tệp đầu vào hoặc kho số liệu); không ghi đè, hãy chọn tên khác"
                      : "the output is the same file as \(other) (an input or the store); not overwritten, choose another name"
        }
    }
}
