import CXlsxWriter

/// A chart created by ``XLSXWriter/addChart(_:)``; series take ranges as formulas
/// ("='Tổng hợp'!$B$7:$B$14").
public final class Chart {
    public enum Kind: Sendable {
        case column, bar, line, pie, columnStacked, barStacked
        var lxw: lxw_chart_type {
            switch self {
            case .column: return LXW_CHART_COLUMN
            case .bar: return LXW_CHART_BAR
            case .line: return LXW_CHART_LINE
            case .pie: return LXW_CHART_PIE
            case .columnStacked: return LXW_CHART_COLUMN_STACKED
            case .barStacked: return LXW_CHART_BAR_STACKED
            }
        }
    }

    let handle: UnsafeMutablePointer<lxw_chart>

    init(handle: UnsafeMutablePointer<lxw_chart>) { self.handle = handle }

    /// Adds a series: category labels and values as range formulas, a name, and an
    /// optional fill colour (0xRRGGBB).
    public func addSeries(categories: String?, values: String, name: String? = nil, color: UInt32? = nil) {
        let s = chart_add_series(handle, categories, values)!
        if let name { chart_series_set_name(s, name) }
        if let color {
            var fill = lxw_chart_fill()
            fill.color = color
            chart_series_set_fill(s, &fill)
            var line = lxw_chart_line()
            line.color = color
            chart_series_set_line(s, &line)
        }
    }

    /// Adds a series with value labels shown on the points.
    public func addLabelledSeries(categories: String?, values: String, name: String? = nil, color: UInt32? = nil, numberFormat: String? = nil) {
        addSeries(categories: categories, values: values, name: name, color: color)
        guard let last = lastSeries() else { return }
        chart_series_set_labels(last)
        if let numberFormat { chart_series_set_labels_num_format(last, numberFormat) }
    }

    private func lastSeries() -> UnsafeMutablePointer<lxw_chart_series>? {
        // libxlsxwriter keeps series in a STAILQ; the last added is its tail.
        guard let list = handle.pointee.series_list else { return nil }
        var cur = list.pointee.stqh_first
        var last: UnsafeMutablePointer<lxw_chart_series>? = nil
        while let c = cur { last = c; cur = c.pointee.list_pointers.stqe_next }
        return last
    }

    public func setTitle(_ title: String) { chart_title_set_name(handle, title) }

    /// A title in a font of this size (libxlsxwriter copies the font's name).
    public func setTitle(_ title: String, fontName: String, fontSize: Double, bold: Bool = true) {
        chart_title_set_name(handle, title)
        fontName.withCString { name in
            var font = lxw_chart_font()
            font.name = UnsafeMutablePointer(mutating: name)
            font.size = fontSize
            font.bold = bold ? 1 : 0
            chart_title_set_name_font(handle, &font)
        }
    }

    /// Circle markers on the points of the last series added (a line of two points, or
    /// with gaps, still shows each figure).
    public func markPoints() {
        guard let last = lastSeries() else { return }
        chart_series_set_marker_type(last, UInt8(LXW_CHART_MARKER_CIRCLE.rawValue))
    }
    public func setXAxisTitle(_ t: String) { chart_axis_set_name(handle.pointee.x_axis, t) }
    public func setYAxisTitle(_ t: String) { chart_axis_set_name(handle.pointee.y_axis, t) }
    public func setYAxisNumberFormat(_ f: String) { chart_axis_set_num_format(handle.pointee.y_axis, f) }
    public func setLegend(_ position: Legend) { chart_legend_set_position(handle, UInt8(position.lxw.rawValue)) }
    public func setStyle(_ style: Int) { chart_set_style(handle, UInt8(style)) }
    /// The category axis in reverse order (a bar chart then lists its first row at the top).
    public func reverseCategories() {
        chart_axis_set_reverse(handle.pointee.x_axis.pointee.is_category != 0 ? handle.pointee.x_axis : handle.pointee.y_axis)
    }
    /// The value axis from `min` to `max` (a bar chart's horizontal axis, a column chart's
    /// vertical one), with this number format.
    /// (libxlsxwriter's bar chart keeps its value axis as `x_axis`: the axis is the one
    /// flagged as a value axis.)
    public func setValueAxis(min: Double, max: Double, numberFormat: String? = nil) {
        let axis = handle.pointee.x_axis.pointee.is_value != 0 ? handle.pointee.x_axis : handle.pointee.y_axis
        chart_axis_set_min(axis, min)
        chart_axis_set_max(axis, max)
        if let numberFormat { chart_axis_set_num_format(axis, numberFormat) }
    }

    public enum Legend: Sendable {
        case none, bottom, right, top
        var lxw: lxw_chart_legend_position {
            switch self {
            case .none: return LXW_CHART_LEGEND_NONE
            case .bottom: return LXW_CHART_LEGEND_BOTTOM
            case .right: return LXW_CHART_LEGEND_RIGHT
            case .top: return LXW_CHART_LEGEND_TOP
            }
        }
    }
}
