/// The DATA section as it goes on the wire (RFC 5321 §4.5.2): every line ending in CRLF, a
/// leading "." doubled so the server does not read it as the end of the message, and the
/// terminating `.` line.
enum SMTPDataStuffing {
    static func wireBytes(_ message: String) -> [UInt8] {
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        let dot = UInt8(ascii: ".")
        let bytes = Array(message.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 40 + 8)
        var atLineStart = true
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == cr || byte == lf {
                // CRLF, bare LF and bare CR all end a line; bare ones are not allowed in DATA.
                out += [cr, lf]
                atLineStart = true
                index += (byte == cr && index + 1 < bytes.count && bytes[index + 1] == lf) ? 2 : 1
                continue
            }
            if atLineStart && byte == dot { out.append(dot) }
            out.append(byte)
            atLineStart = false
            index += 1
        }
        if !atLineStart { out += [cr, lf] }
        out += [dot, cr, lf]
        return out
    }
}
