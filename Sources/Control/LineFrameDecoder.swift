import ControlProtocol
import NIOCore

/// One frame of the control protocol: a line, or the news that a line was too long.
enum ControlFrame: Sendable {
    case line(ByteBuffer)
    case tooLong
}

/// Splits the byte stream at "\n". A line longer than `maxLength` is
/// reported once and skipped up to its newline, so one bad request does not
/// cost the connection (or the daemon's memory).
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ControlFrame
    let maxLength: Int
    private var discarding = false

    init(maxLength: Int) { self.maxLength = maxLength }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maxLength {
                if !discarding { context.fireChannelRead(wrapInboundOut(.tooLong)) }
                discarding = true
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if discarding {
            discarding = false
        } else if length > maxLength {
            context.fireChannelRead(wrapInboundOut(.tooLong))
        } else {
            context.fireChannelRead(wrapInboundOut(.line(line)))
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A last request without its newline still counts.
        if !discarding, buffer.readableBytes > 0, buffer.readableBytes <= maxLength, let line = buffer.readSlice(length: buffer.readableBytes) {
            context.fireChannelRead(wrapInboundOut(.line(line)))
        }
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .needMoreData
    }
}
