import NIOCore

extension ByteBuffer {
    /// Appends `value` in RESP2 wire form. Simple strings and errors must not contain CR or LF
    /// (the protocol has no escape for them); they are written as given, so callers that build
    /// such values from user text should send bulk strings instead.
    public mutating func writeRESPValue(_ value: RESPValue) {
        switch value {
        case .simpleString(let text):
            writeInteger(UInt8(ascii: "+"))
            writeString(text)
            writeCRLF()
        case .error(let message):
            writeInteger(UInt8(ascii: "-"))
            writeString(message)
            writeCRLF()
        case .integer(let number):
            writeInteger(UInt8(ascii: ":"))
            writeString(String(number))
            writeCRLF()
        case .bulkString(nil):
            writeStaticString("$-1\r\n")
        case .bulkString(let bytes?):
            writeBulkString(bytes)
        case .array(nil):
            writeStaticString("*-1\r\n")
        case .array(let elements?):
            writeInteger(UInt8(ascii: "*"))
            writeString(String(elements.count))
            writeCRLF()
            for element in elements { writeRESPValue(element) }
        }
    }

    /// Appends a command — an array of bulk strings, the only form a Redis server accepts from a
    /// client — without building the intermediate `RESPValue`.
    mutating func writeRESPCommand(_ arguments: [[UInt8]]) {
        writeInteger(UInt8(ascii: "*"))
        writeString(String(arguments.count))
        writeCRLF()
        for argument in arguments { writeBulkString(argument) }
    }

    private mutating func writeBulkString(_ bytes: [UInt8]) {
        writeInteger(UInt8(ascii: "$"))
        writeString(String(bytes.count))
        writeCRLF()
        writeBytes(bytes)
        writeCRLF()
    }

    private mutating func writeCRLF() {
        writeInteger(UInt16(0x0D0A))
    }
}
