import Foundation

/// Runs a command-line tool from `make deps` (qpdf, pdftotext, pdftoppm, unzip...) found on PATH and
/// returns its exit status and its output (stdout and stderr together).
public func runTool(_ name: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [name] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Where a person looks at what the tests rendered: `ROCH_TEST_OUTPUT/<folder>` (set by `make test`),
/// or `test-output/<folder>` in the repository; created when missing.
public func testOutputDirectory(_ folder: String) throws -> String {
    let root = ProcessInfo.processInfo.environment["ROCH_TEST_OUTPUT"].flatMap { $0.isEmpty ? nil : $0 }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("test-output").path
    let directory = root + "/" + folder
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory
}
