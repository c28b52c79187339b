import ServerSupport
import Testing

@Suite("Logger")
struct LoggerTests {
    @Test("drops records below the level and formats metadata sorted and quoted")
    func levelsAndFormat() {
        let box = LockedValueBox<[LogRecord]>([])
        var logger = Logger(label: "test", level: .info, sink: .collecting(into: box))
        logger[metadataKey: "firm"] = "acme"
        logger.debug("hidden")
        logger.info("hello", metadata: ["b": "two words", "a": "1"])
        let records = box.withLock { $0 }
        #expect(records.count == 1)
        let line = records[0].formatted
        #expect(line.hasSuffix("info test: hello a=1 b=\"two words\" firm=acme"))
    }

    @Test("LockedValueBox serialises concurrent increments")
    func lockedBox() async {
        let box = LockedValueBox(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for _ in 0..<1000 { box.withLock { $0 += 1 } } }
            }
        }
        #expect(box.withLock { $0 } == 8000)
    }
}
