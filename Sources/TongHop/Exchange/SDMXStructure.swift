import Foundation
import SheetIO

/// The SDMX-ML 2.1 structure message our SDMX-CSV files are written against, generated
/// from the template: code lists (indicators, units by official code, value types with
/// their plan sources, observation status, units of measure, level, era), the concept
/// scheme, the data structure definition and the dataflow that STRUCTURE_ID names.
/// Validated in the tests by pysdmx against the SDMX 2.1 XML schemas and read by sdmx1.
public enum SDMXStructure {
    /// The message. `prepared` is the header's Prepared time (ISO 8601, UTC).
    public static func message(template t: Template, period p: Period, prepared: String) -> String {
        let agency = SDMXCodes.agency, v = "\(t.version).0", id = xmlID(t.id)
        var x = """
        <?xml version="1.0" encoding="UTF-8"?>
        <mes:Structure xmlns:mes="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" \
        xmlns:str="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure" \
        xmlns:com="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">
          <mes:Header>
            <mes:ID>STR_\(id)</mes:ID>
            <mes:Test>false</mes:Test>
            <mes:Prepared>\(prepared)</mes:Prepared>
            <mes:Sender id="\(agency)"/>
          </mes:Header>
          <mes:Structures>
            <str:Dataflows>
              <str:Dataflow id="\(id)" agencyID="\(agency)" version="\(v)" isFinal="true">
        \(names(t.title, "Template \(t.id)", indent: 8))
                <str:Structure><Ref id="\(id)" agencyID="\(agency)" version="\(v)" package="datastructure" class="DataStructure"/></str:Structure>
              </str:Dataflow>
            </str:Dataflows>
            <str:Codelists>

        """
        func codelist(_ cl: String, _ vi: String, _ en: String, _ codes: [(id: String, vi: String, en: String?)]) {
            x += "      <str:Codelist id=\"\(cl)\" agencyID=\"\(agency)\" version=\"\(v)\" isFinal=\"true\">\n" + names(vi, en, indent: 8) + "\n"
            for c in codes {
                x += "        <str:Code id=\"\(esc(c.id))\">\n" + names(c.vi, c.en, indent: 10) + "\n        </str:Code>\n"
            }
            x += "      </str:Codelist>\n"
        }
        codelist("CL_INDICATOR", "Chỉ tiêu", "Indicator", t.indicators.map { ($0.code, $0.name + ($0.unitText.isEmpty ? "" : " (\($0.unitText))"), nil) })
        var areas: [String] = [], areaNames: [String: [String]] = [:]
        for u in t.units {
            if areaNames[u.code] == nil { areas.append(u.code) }
            let name = FormBuilder.unitTitle(u) + era(u)
            if !(areaNames[u.code] ?? []).contains(name) { areaNames[u.code, default: []].append(name) }
        }
        codelist("CL_REF_AREA", "Đơn vị hành chính (mã thống kê)", "Administrative unit (statistical code)",
                 areas.map { ($0, areaNames[$0]!.joined(separator: " / "), nil) })
        codelist("CL_VALUE_TYPE", "Loại số liệu", "Value type", t.columns.map { col in
            (col.key, col.label(for: p) + (col.role == .plan && col.source != nil ? " (\(col.planName))" : ""), col.label(for: p, .en))
        })
        codelist("CL_OBS_STATUS", "Tình trạng số liệu", "Observation status", [
            ("N", "Không phát sinh (ký hiệu «-»), ghi 0", "Nil: the phenomenon does not exist (\"-\"), written as 0"),
            ("L", "Có phát sinh nhưng chưa có số liệu (ký hiệu «...»)", "Missing value; data exist but were not collected (\"...\")"),
            ("M", "Không có ý nghĩa (ký hiệu «x»)", "Missing value; data cannot exist (\"x\")"),
        ])
        var measures: [String] = [], measureText: [String: String] = [:]
        for ind in t.indicators {
            let code = SDMXCodes.measureCode(ExchangeExport.unitAttributes(ind).measure)
            if measureText[code] == nil { measures.append(code); measureText[code] = ind.unit.map { $0.base.isEmpty ? "(số đếm)" : $0.base } ?? "(số đếm)" }
        }
        codelist("CL_UNIT_MEASURE", "Đơn vị tính (gốc; bội số ở UNIT_MULT)", "Unit of measure (base; scale in UNIT_MULT)",
                 measures.map { ($0, measureText[$0]!, $0 == "NUMBER" ? "count (no unit)" : nil) })
        codelist("CL_AREA_LEVEL", "Cấp hành chính", "Administrative level", [
            ("PROVINCE", "Tỉnh, thành phố", "Province"), ("DISTRICT", "Huyện, thị xã, thành phố thuộc tỉnh", "District"),
            ("COMMUNE", "Xã, phường, đặc khu", "Commune"), ("PROVINCE_PART", "Khối tỉnh (phần do tỉnh quản lý)", "Province-managed part"),
        ])
        codelist("CL_AREA_ERA", "Thời kỳ địa giới hành chính", "Administrative boundary era", [
            ("BEFORE_2025_07", "Trước 01/07/2025", "Before 1 July 2025"), ("FROM_2025_07", "Từ 01/07/2025", "From 1 July 2025"),
        ])
        x += "    </str:Codelists>\n    <str:Concepts>\n"
        x += "      <str:ConceptScheme id=\"CS_TONGHOP\" agencyID=\"\(agency)\" version=\"\(v)\" isFinal=\"true\">\n" + names("Khái niệm", "Concepts", indent: 8) + "\n"
        for c in concepts {
            x += "        <str:Concept id=\"\(c.id)\">\n" + names(c.vi, c.en, indent: 10) + "\n        </str:Concept>\n"
        }
        x += "      </str:ConceptScheme>\n    </str:Concepts>\n    <str:DataStructures>\n"
        x += "      <str:DataStructure id=\"\(id)\" agencyID=\"\(agency)\" version=\"\(v)\" isFinal=\"true\">\n" + names(t.title, "Template \(t.id)", indent: 8) + "\n"
        func concept(_ c: String) -> String {
            "<str:ConceptIdentity><Ref id=\"\(c)\" maintainableParentID=\"CS_TONGHOP\" maintainableParentVersion=\"\(v)\" agencyID=\"\(agency)\" package=\"conceptscheme\" class=\"Concept\"/></str:ConceptIdentity>"
        }
        func coded(_ cl: String) -> String {
            "<str:LocalRepresentation><str:Enumeration><Ref id=\"\(cl)\" agencyID=\"\(agency)\" version=\"\(v)\" package=\"codelist\" class=\"Codelist\"/></str:Enumeration></str:LocalRepresentation>"
        }
        func typed(_ type: String, _ extra: String = "") -> String { "<str:LocalRepresentation><str:TextFormat textType=\"\(type)\"\(extra)/></str:LocalRepresentation>" }
        x += "        <str:DataStructureComponents>\n          <str:DimensionList id=\"DimensionDescriptor\">\n"
        for (i, (dim, cl)) in [("INDICATOR", "CL_INDICATOR"), ("REF_AREA", "CL_REF_AREA"), ("VALUE_TYPE", "CL_VALUE_TYPE")].enumerated() {
            x += "            <str:Dimension id=\"\(dim)\" position=\"\(i + 1)\">\(concept(dim))\(coded(cl))</str:Dimension>\n"
        }
        x += "            <str:TimeDimension id=\"TIME_PERIOD\" position=\"4\">\(concept("TIME_PERIOD"))\(typed("ObservationalTimePeriod"))</str:TimeDimension>\n"
        x += "          </str:DimensionList>\n          <str:AttributeList id=\"AttributeDescriptor\">\n"
        let toObservation = "<str:AttributeRelationship><str:PrimaryMeasure><Ref id=\"OBS_VALUE\"/></str:PrimaryMeasure></str:AttributeRelationship>"
        let toDataset = "<str:AttributeRelationship><str:None/></str:AttributeRelationship>"
        let attributes: [(String, String, String, String)] = [
            ("UNIT_MEASURE", "Mandatory", coded("CL_UNIT_MEASURE"), toObservation),
            ("UNIT_MULT", "Mandatory", typed("Integer", " minValue=\"0\" maxValue=\"12\""), toObservation),
            ("OBS_STATUS", "Conditional", coded("CL_OBS_STATUS"), toObservation),
            ("LOWER_BOUND", "Conditional", typed("Decimal"), toObservation),
            ("UPPER_BOUND", "Conditional", typed("Decimal"), toObservation),
            ("BOUND_STRICT", "Conditional", typed("Boolean"), toObservation),
            ("AREA_LEVEL", "Mandatory", coded("CL_AREA_LEVEL"), toObservation),
            ("AREA_ERA", "Conditional", coded("CL_AREA_ERA"), toObservation),
            ("APPROXIMATE", "Conditional", typed("Boolean"), toObservation),
            ("SOURCE_CELL", "Conditional", typed("String"), toObservation),
            ("PARTIAL", "Mandatory", typed("Boolean"), toDataset),
            ("DATA_SOURCE", "Mandatory", typed("String"), toDataset),
        ]
        for (a, status, rep, rel) in attributes {
            x += "            <str:Attribute id=\"\(a)\" assignmentStatus=\"\(status)\">\(concept(a))\(rep)\(rel)</str:Attribute>\n"
        }
        x += "          </str:AttributeList>\n          <str:MeasureList id=\"MeasureDescriptor\">\n"
        x += "            <str:PrimaryMeasure id=\"OBS_VALUE\">\(concept("OBS_VALUE"))\(typed("Decimal"))</str:PrimaryMeasure>\n"
        x += "          </str:MeasureList>\n        </str:DataStructureComponents>\n      </str:DataStructure>\n    </str:DataStructures>\n  </mes:Structures>\n</mes:Structure>\n"
        return x
    }

    static let concepts: [(id: String, vi: String, en: String)] = [
        ("INDICATOR", "Chỉ tiêu", "Indicator"),
        ("REF_AREA", "Đơn vị hành chính (mã thống kê)", "Reference area (statistical code)"),
        ("VALUE_TYPE", "Loại số liệu (thực hiện, kế hoạch theo nguồn, ước thực hiện)", "Value type (actual, plan by source, estimate)"),
        ("TIME_PERIOD", "Kỳ báo cáo (6 và 9 tháng là kỳ cộng dồn từ 1/1)", "Time period (6 and 9 months cumulative from 1 January)"),
        ("OBS_VALUE", "Giá trị", "Observation value"),
        ("UNIT_MEASURE", "Đơn vị tính", "Unit of measure"),
        ("UNIT_MULT", "Bội số đơn vị (lũy thừa của 10: nghìn 3, triệu 6, tỷ 9)", "Unit multiplier (power of 10)"),
        ("OBS_STATUS", "Tình trạng số liệu (ký hiệu thống kê)", "Observation status (statistical symbols)"),
        ("LOWER_BOUND", "Cận dưới của chỉ tiêu kế hoạch", "Lower bound of a target"),
        ("UPPER_BOUND", "Cận trên của chỉ tiêu kế hoạch", "Upper bound of a target"),
        ("BOUND_STRICT", "Cận không bao gồm (\"trên\", \"dưới\")", "The bound is strict (\"above\", \"below\")"),
        ("AREA_LEVEL", "Cấp hành chính", "Administrative level"),
        ("AREA_ERA", "Thời kỳ địa giới (trước hay từ 01/07/2025)", "Boundary era (before or from 1 July 2025)"),
        ("APPROXIMATE", "Số liệu quy đổi qua sắp xếp đơn vị hành chính, gần đúng", "Approximate: carried across the 2025 reform"),
        ("SOURCE_CELL", "Tệp và ô nguồn của số liệu", "Source file and cell of the figure"),
        ("PARTIAL", "Chưa đủ đơn vị báo cáo", "Partial: not every unit has reported"),
        ("DATA_SOURCE", "Nguồn dữ liệu (mẫu, kho, lần nộp)", "Data source (template, store, revisions)"),
    ]

    /// An id the schema takes (IDType: letters, digits, "_", "-", "@", "$"); anything else
    /// becomes "_".
    static func xmlID(_ s: String) -> String {
        String(s.unicodeScalars.map { c -> Character in
            let ok = (c.value >= 48 && c.value <= 57) || (c.value >= 65 && c.value <= 90) || (c.value >= 97 && c.value <= 122) || "_-@$".unicodeScalars.contains(c)
            return ok ? Character(c) : "_"
        })
    }

    static func era(_ u: ReportingUnit) -> String {
        switch SDMXCodes.areaEra(u) {
        case "FROM_2025_07": return " (từ 01/07/2025)"
        case "BEFORE_2025_07": return " (đến 30/06/2025)"
        default: return ""
        }
    }

    static func esc(_ s: String) -> String { PackageAnnotator.xmlEscape(s) }

    static func names(_ vi: String, _ en: String?, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var out = "\(pad)<com:Name xml:lang=\"vi\">\(esc(vi))</com:Name>"
        if let en { out += "\n\(pad)<com:Name xml:lang=\"en\">\(esc(en))</com:Name>" }
        return out
    }
}
