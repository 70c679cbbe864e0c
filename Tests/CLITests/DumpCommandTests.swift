import XCTest
import TestSupport
