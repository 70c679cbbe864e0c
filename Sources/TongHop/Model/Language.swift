@_exported import SheetIO

/// Message language (the same as SheetIO's).
public typealias Language = MessageLanguage
