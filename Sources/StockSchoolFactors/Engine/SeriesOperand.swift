/// An operand of a per-stock kernel: a constant, or one stock's series.
enum SeriesOperand {
    case scalar(Double)
    case series(UnsafeBufferPointer<Double>)
}
