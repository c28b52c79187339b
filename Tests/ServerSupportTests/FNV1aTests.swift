import ServerSupport
import Testing

@Suite("FNV-1a")
struct FNV1aTests {
    @Test("published 64-bit test vectors")
    func vectors() {
        #expect(FNV1a.hash64("") == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hash64("foobar") == 0x8594_4171_f739_67e8)
    }
}
